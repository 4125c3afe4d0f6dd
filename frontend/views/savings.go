package views

import (
	"net/url"
	"time"

	"wattfolio/app"
	"wattfolio/app/compare"
)

// Sort columns of the savings view.
const (
	SortSaving   = "saving"
	SortPct      = "pct"
	SortDeadline = "deadline"
	SortName     = "name"
)

// SavingsSorts are the columns the savings view sorts by.
var SavingsSorts = []string{SortSaving, SortPct, SortDeadline, SortName}

// SavingsFilter is the savings view's sort and filters.
type SavingsFilter struct {
	Sort     string
	Desc     bool
	Segment  string // a load profile; "": all
	Positive bool   // only customers who would save
	Q        string
}

// Values are the filter's query parameters; the default order (largest
// saving first) is left out.
func (f SavingsFilter) Values() url.Values {
	v := url.Values{}
	if f.Sort != SortSaving || !f.Desc {
		v.Set("sort", f.Sort)
		if f.Desc {
			v.Set("desc", "1")
		}
	}
	if f.Segment != "" {
		v.Set("segment", f.Segment)
	}
	if f.Positive {
		v.Set("positive", "1")
	}
	if f.Q != "" {
		v.Set("q", f.Q)
	}
	return v
}

// Savings is the portfolio savings view.
type Savings struct {
	Chrome
	Filter SavingsFilter
	// Rows are the ones the filter keeps, in its order; Total counts all.
	Rows  []compare.SavingsRow
	Total int
	// ComputedAt is when the figures were computed; zero: never.
	ComputedAt time.Time
	// Running: a recompute runs; Failed: the last one failed.
	Running, Failed bool
	Notice          string
	Segments        []string
}

// SortLink sorts by col: numbers largest first, names A to Z; again flips.
func (m Savings) SortLink(col string) string {
	f := m.Filter
	if f.Sort == col {
		f.Desc = !f.Desc
	} else {
		f.Sort, f.Desc = col, col == SortSaving || col == SortPct
	}
	return m.Link("/savings", f.Values())
}

// AriaSort is the aria-sort value of col's header.
func (m Savings) AriaSort(col string) string {
	switch {
	case m.Filter.Sort != col:
		return "none"
	case m.Filter.Desc:
		return "descending"
	}
	return "ascending"
}

// SortMark is the arrow after the sorted column's title.
func (m Savings) SortMark(col string) string { return sortArrow(m.AriaSort(col)) }

// ExportLink downloads the view as CSV in dialect, or JSON for "json".
func (m Savings) ExportLink(dialect string) string {
	v := m.Filter.Values()
	if dialect == "json" {
		return m.Link("/savings.json", v)
	}
	v.Set("dialect", dialect)
	return m.Link("/savings.csv", v)
}

// Sum adds up a figure over the rows shown that have it.
func (m Savings) Sum(get func(compare.SavingsRow) *app.Decimal) *app.Decimal {
	var s app.Decimal
	for _, r := range m.Rows {
		if d := get(r); d != nil && *d > 0 {
			s += *d
		}
	}
	return &s
}

// Saving1 and AtStake get a row's figures, for Sum.
func Saving1(r compare.SavingsRow) *app.Decimal { return r.Saving1 }
func AtStake(r compare.SavingsRow) *app.Decimal { return r.AtStake }

// DeadlineLabel says what a deadline is.
func (f Fmt) DeadlineLabel(k compare.DeadlineKind) string {
	switch k {
	case compare.DeadlineNotice:
		return f.T("notice")
	case compare.DeadlineGuarantee:
		return f.T("price guarantee ends")
	case compare.DeadlineMinTerm:
		return f.T("minimum term ends")
	case compare.DeadlineBonus:
		return f.T("bonus lapses")
	}
	return string(k)
}

// SavingTone colours a saving: good when positive, muted otherwise.
func SavingTone(d *app.Decimal) string {
	if d != nil && *d > 0 {
		return "saving-pos"
	}
	return "saving-neg"
}

// PercentPoints formats a percentage held in percent (14.96): "14,96 %".
func (f Fmt) PercentPoints(d *app.Decimal) string {
	if d == nil {
		return dash
	}
	n := f.Decimal(*d, 1, 2)
	if f.en() {
		return n + "%"
	}
	return n + nbsp + "%"
}

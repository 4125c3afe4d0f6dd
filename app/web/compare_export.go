package web

import (
	"bytes"
	"net/http"
	"strings"
	"time"

	"wattfolio/app"
	"wattfolio/app/compare"
	"wattfolio/app/export"
	"wattfolio/app/tariff"
	"wattfolio/frontend/views"
)

// compareCSV answers the comparison's options as a CSV report, one row each.
func (h *handler) compareCSV(w http.ResponseWriter, r *http.Request) {
	dialect, err := dialectOf(r.URL.Query())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	res, err := h.runCompare(r)
	if err == nil && res.cmp == nil {
		err = &requestError{Msg: views.N("No comparison can be made: %s"), Args: []any{res.problem}}
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// A handful of rows: written whole, so that a failure is an error page
	// rather than a truncated download.
	var b bytes.Buffer
	if err := export.WriteComparison(&b, dialect, res.cmp); err != nil {
		h.fail(w, r, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/csv; charset=utf-8")
	hd.Set("Content-Disposition", `attachment; filename="`+h.reportName(res.acct, ".csv")+`"`)
	hd.Set("Cache-Control", "no-store")
	_, _ = w.Write(b.Bytes())
}

// reportName is a download's file name: the customer and the day, in
// characters every file system and header takes.
func (h *handler) reportName(a app.Account, ext string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(a.Name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == 'ä':
			b.WriteString("ae")
		case r == 'ö':
			b.WriteString("oe")
		case r == 'ü':
			b.WriteString("ue")
		case r == 'ß':
			b.WriteString("ss")
		default:
			if s := b.String(); s != "" && !strings.HasSuffix(s, "-") {
				b.WriteByte('-')
			}
		}
	}
	name := strings.Trim(b.String(), "-")
	if name == "" {
		name = "customer"
	}
	return "wattfolio-compare-" + name + "-" + h.o.Now().In(h.o.Location).Format(time.DateOnly) + ext
}

// The comparison as JSON: every amount a decimal string in EUR, every
// instant RFC 3339 UTC.
type (
	compareDoc struct {
		Customer    string      `json:"customer"`
		CustomerID  int64       `json:"customer_id"`
		GeneratedAt time.Time   `json:"generated_at"`
		Curve       curveDoc    `json:"curve"`
		Options     []optionDoc `json:"options"`
		Baseline    string      `json:"baseline,omitempty"`
		Cheapest    string      `json:"cheapest,omitempty"`
	}
	curveDoc struct {
		Label        string     `json:"label"`
		Metered      bool       `json:"metered"`
		Profile      string     `json:"profile,omitempty"`
		Why          string     `json:"why,omitempty"`
		GapsFilled   int        `json:"gaps_filled"`
		ScalePercent int        `json:"scale_percent"`
		From         time.Time  `json:"from"`
		To           time.Time  `json:"to"`
		KWh          string     `json:"kwh"`
		Months       []monthDoc `json:"months"`
	}
	monthDoc struct {
		Month string `json:"month"`
		KWh   string `json:"kwh"`
	}
	optionDoc struct {
		Key             string        `json:"key"`
		Kind            compare.Kind  `json:"kind"`
		Name            string        `json:"name"`
		Source          string        `json:"source"`
		Model           tariff.Model  `json:"model"`
		Baseline        bool          `json:"baseline"`
		Cheapest        bool          `json:"cheapest"`
		Why             string        `json:"why,omitempty"`
		Incomplete      string        `json:"incomplete,omitempty"`
		Year1           *breakdownDoc `json:"year1,omitempty"`
		Year2           *breakdownDoc `json:"year2,omitempty"`
		Saving1         *string       `json:"saving_eur_year1,omitempty"`
		Saving2         *string       `json:"saving_eur_year2,omitempty"`
		SavingPct1      *string       `json:"saving_pct_year1,omitempty"`
		SavingPct2      *string       `json:"saving_pct_year2,omitempty"`
		GuaranteedUntil *time.Time    `json:"guaranteed_until,omitempty"`
		Notes           []string      `json:"notes,omitempty"`
		// FetchedAt is when the contract was fetched from Source; nil for an offer.
		FetchedAt *time.Time `json:"fetched_at,omitempty"`
	}
	breakdownDoc struct {
		KWh               string `json:"kwh"`
		Energy            string `json:"energy_eur"`
		Base              string `json:"base_eur"`
		Grid              string `json:"grid_eur"`
		Levies            string `json:"levies_eur"`
		Tax               string `json:"tax_eur"`
		Concession        string `json:"concession_eur"`
		Bonus             string `json:"bonus_eur"`
		Net               string `json:"net_eur"`
		VAT               string `json:"vat_eur"`
		Gross             string `json:"gross_eur"`
		EffectiveCtPerKWh string `json:"effective_ct_per_kwh"`
	}
)

func breakdownOf(b tariff.Breakdown) *breakdownDoc {
	return &breakdownDoc{KWh: b.KWh.String(), Energy: b.Energy.String(), Base: b.Base.String(), Grid: b.Grid.String(),
		Levies: b.Levies.String(), Tax: b.Tax.String(), Concession: b.Concession.String(), Bonus: b.Bonus.String(),
		Net: b.Net.String(), VAT: b.VAT.String(), Gross: b.Gross.String(), EffectiveCtPerKWh: b.EffectiveCtPerKWh.String()}
}

func decString(d *app.Decimal) *string {
	if d == nil {
		return nil
	}
	s := d.String()
	return &s
}

func comparisonDoc(res *compared, now time.Time) compareDoc {
	acct, cmp := res.acct, res.cmp
	doc := compareDoc{Customer: acct.Name, CustomerID: acct.ID, GeneratedAt: now.UTC(), Options: []optionDoc{}}
	c := cmp.Curve
	months, total := views.CurveMonths(c)
	doc.Curve = curveDoc{Label: export.CurveLabel(c), Metered: c.Origin.Metered, Profile: c.Origin.Profile, Why: c.Origin.Why,
		GapsFilled: c.Origin.Filled, ScalePercent: c.Origin.ScalePercent, From: c.Start, To: c.End(), KWh: total.String()}
	for _, m := range months {
		doc.Curve.Months = append(doc.Curve.Months, monthDoc{Month: m.Start.Format("2006-01"), KWh: m.KWh.String()})
	}
	for i, o := range cmp.Options {
		od := optionDoc{Key: o.Key(), Kind: o.Kind, Name: o.Name, Source: o.Source, Model: o.Tariff.Model,
			Baseline: i == cmp.Baseline, Cheapest: i == cmp.Cheapest, Why: o.Why(),
			Saving1: decString(o.Saving1), Saving2: decString(o.Saving2), SavingPct1: decString(o.SavingPct1), SavingPct2: decString(o.SavingPct2)}
		if r := o.Result; r != nil {
			od.Year1, od.Year2, od.Incomplete, od.Notes = breakdownOf(r.Year1), breakdownOf(r.Year2), r.Incomplete, app.Strings(r.Notes)
			if !r.GuaranteedUntil.IsZero() {
				u := r.GuaranteedUntil.UTC()
				od.GuaranteedUntil = &u
			}
		}
		if in := res.inputs[i]; !in.FetchedAt.IsZero() {
			od.FetchedAt = &in.FetchedAt
		}
		if i == cmp.Baseline {
			doc.Baseline = od.Key
		}
		if i == cmp.Cheapest {
			doc.Cheapest = od.Key
		}
		doc.Options = append(doc.Options, od)
	}
	return doc
}

// compareJSON answers the comparison as JSON; errors too.
func (h *handler) compareJSON(w http.ResponseWriter, r *http.Request) {
	res, err := h.runCompare(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if res.cmp == nil {
		writeJSON(w, http.StatusUnprocessableEntity, errorDoc{Status: http.StatusUnprocessableEntity,
			Error: "No comparison for this period", Message: res.problem})
		return
	}
	writeJSON(w, http.StatusOK, comparisonDoc(res, h.o.Now()))
}

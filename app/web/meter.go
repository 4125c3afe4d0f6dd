package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"wattfolio/app"
	"wattfolio/app/export"
	"wattfolio/app/series"
	"wattfolio/frontend/views"
)

// MeterReader reads meters and their time series from the cache.
type MeterReader interface {
	GetMeter(ctx context.Context, id int64) (series.Meter, error)
	MetersOfContract(ctx context.Context, contractID int64) ([]series.Meter, error)
	MetersOfAccount(ctx context.Context, accountID int64) ([]series.Meter, error)
	ContractOfMeter(ctx context.Context, meterID int64) (int64, error)
	Aggregate(ctx context.Context, meterID int64, from, to time.Time, res series.Resolution) ([]series.Bucket, error)
	EachReading(ctx context.Context, meterID int64, from, to time.Time, res series.Resolution, fn func(*series.Row) error) error
}

// maxSpan bounds a chart's range per resolution, so one page never asks
// for more buckets than a chart can show.
var maxSpan = map[series.Resolution]int{series.Native: 31, series.Hour: 93, series.Day: 800, series.Month: 3660}

// maxCSVSpan bounds a CSV download's range: it is streamed in constant
// memory, so a year of quarter hours (the meter page's link) and more go.
var maxCSVSpan = map[series.Resolution]int{series.Native: 366, series.Hour: 800, series.Day: 800, series.Month: 3660}

type meterQuery struct {
	id       int64
	m        series.Meter
	loc      *time.Location
	from, to time.Time
	res      series.Resolution
}

func (h *handler) meterQuery(r *http.Request, spans map[series.Resolution]int) (meterQuery, error) {
	var q meterQuery
	id, err := pathID(r, "meter")
	if err != nil {
		return q, err
	}
	q.id = id
	if q.m, err = h.o.Meters.GetMeter(r.Context(), id); err != nil {
		return q, err
	}
	if q.loc, err = series.LoadZone(q.m.Zone); err != nil {
		return q, err
	}
	v := r.URL.Query()
	var bad refusals
	if q.res, err = series.ParseResolution(v.Get("res")); err != nil || v.Get("res") == "" {
		if v.Get("res") != "" {
			bad.add(badParam("res", clip(v.Get("res")), views.N("not a resolution (native, hour, day, month)")))
		}
		q.res = series.Day
	}
	// Default: the last 31 days of data the meter has.
	end := h.o.Now()
	if !q.m.DataTo.IsZero() {
		end = q.m.DataTo
	}
	e := end.In(q.loc)
	q.to = time.Date(e.Year(), e.Month(), e.Day(), 0, 0, 0, 0, q.loc)
	if q.to.Before(end) {
		q.to = q.to.AddDate(0, 0, 1)
	}
	q.from = q.to.AddDate(0, 0, -31)
	given := map[string]bool{}
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"from", &q.from}, {"to", &q.to}} {
		s := v.Get(p.name)
		if s == "" {
			continue
		}
		if t, err := dayParam(p.name, s, q.loc); !bad.add(err) {
			*p.dst, given[p.name] = t, true
		}
	}
	// A refused day falls back to 31 days beside the other one.
	switch {
	case given["from"] && !given["to"]:
		q.to = q.from.AddDate(0, 0, 31)
	case given["to"] && !given["from"]:
		q.from = q.to.AddDate(0, 0, -31)
	}
	if !q.to.After(q.from) {
		bad.add(badParam("to", clip(v.Get("to")), views.N("not after from")))
		q.to = q.from.AddDate(0, 0, 31)
	}
	if days := q.to.Sub(q.from).Hours() / 24; days > float64(spans[q.res]) {
		bad.add(badParamf("to", clip(v.Get("to")), views.N("more than %d days after from at this resolution"), spans[q.res]))
		q.to = q.from.AddDate(0, 0, min(31, spans[q.res]))
	}
	return q, bad.err()
}

func (h *handler) meter(w http.ResponseWriter, r *http.Request) {
	c, err := h.chrome(w, r, views.T(r.Context(), "Meter"), "portfolio")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	q, err := h.meterQuery(r, maxSpan)
	status, ok := h.refuse(w, r, &c, err)
	if !ok {
		return
	}
	ctx := r.Context()
	buckets, err := h.o.Meters.Aggregate(ctx, q.id, q.from, q.to, q.res)
	if err != nil {
		h.fail(w, r, fmt.Errorf("meter %d: %w", q.id, err))
		return
	}
	// The monthly table covers the calendar year of the range's end.
	y := q.to.Add(-time.Second).In(q.loc)
	yFrom := time.Date(y.Year(), 1, 1, 0, 0, 0, 0, q.loc)
	months, err := h.o.Meters.Aggregate(ctx, q.id, yFrom, yFrom.AddDate(1, 0, 0), series.Month)
	if err != nil {
		h.fail(w, r, fmt.Errorf("meter %d: %w", q.id, err))
		return
	}
	c.Title = views.Tf(r.Context(), "Meter %s", q.m.Number)
	vals := url.Values{"from": {q.from.Format("2006-01-02")}, "to": {q.to.Format("2006-01-02")}, "res": {string(q.res)}}
	m := views.Meter{
		Chrome: c, M: q.m, From: vals.Get("from"), To: vals.Get("to"), Res: string(q.res),
		Resolutions: []string{"native", "hour", "day", "month"}, Currency: "EUR",
		Months: months, Total: series.Total(buckets),
		CSVURL: c.Link(fmt.Sprintf("/meters/%d/readings.csv", q.id), vals),
		// The twelve months up to the range's end in quarter hours, whatever
		// the chart shows.
		YearCSVURL: c.Link(fmt.Sprintf("/meters/%d/readings.csv", q.id), url.Values{
			"from": {q.to.AddDate(-1, 0, 0).Format("2006-01-02")}, "to": {vals.Get("to")}, "res": {"native"}}),
		FormAction: fmt.Sprintf("/meters/%d", q.id),
	}
	if q.res == series.Native {
		m.Res = "native"
	}
	m.Panels = views.BuildPanels(c.Fmt, buckets, m.Currency)
	if cid, err := h.o.Meters.ContractOfMeter(ctx, q.id); err == nil {
		m.ContractURL = c.Link(fmt.Sprintf("/contracts/%d", cid), nil)
	} else if !errors.Is(err, app.ErrNotFound) {
		h.fail(w, r, err)
		return
	}
	h.respond(w, r, status, views.MeterPage(m), func() any { return meterDocOf(m, q.id, buckets) })
}

// meterCSV streams the meter's readings in the page's range and resolution.
func (h *handler) meterCSV(w http.ResponseWriter, r *http.Request) {
	q, err := h.meterQuery(r, maxCSVSpan)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := export.Standard
	if r.URL.Query().Get("dialect") == export.ExcelDE.Name {
		d = export.ExcelDE
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="meter-%d-%s-%s.csv"`, q.id, q.from.Format("20060102"), q.to.Format("20060102")))
	w.Header().Set("Cache-Control", "no-store")
	cw := export.NewReadingWriter(w, d)
	if err := h.o.Meters.EachReading(r.Context(), q.id, q.from, q.to, q.res, cw.Write); err != nil {
		// Headers are gone; cut the response so the download is visibly broken.
		h.log.Error("readings export failed", "meter", q.id, "err", err)
		panic(http.ErrAbortHandler)
	}
	if err := cw.Flush(); err != nil {
		h.log.Debug("readings export cut short", "meter", q.id, "err", err)
	}
}

package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"wattfolio/app/export"
	"wattfolio/frontend/views"
)

// exportCSV streams every contract matching the portfolio's filters (no
// paging) as CSV in the dialect parameter's dialect (standard or excel-de).
func (h *handler) exportCSV(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	dialect, err := dialectOf(v)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// Paging does not apply to a download; drop it before parsing so that a
	// link copied from page 3 still exports everything.
	v.Del("page")
	v.Del("per")
	q, err := parseQuery(v, h.o.Location)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	q.filter.Limit, q.filter.Offset = 0, 0

	filename := "wattfolio-contracts-" + h.o.Now().In(h.o.Location).Format(time.DateOnly) + ".csv"
	hd := w.Header()
	hd.Set("Content-Type", "text/csv; charset=utf-8")
	hd.Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	hd.Set("Cache-Control", "no-store")

	include, err := includePersonal(v)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if include {
		h.log.Info("contracts exported with personal data")
	}
	// Only the personal data columns read the vendor's record.
	q.filter.WithoutRaw = !include
	q.filter.ExportOnly = true
	tw := &trackingWriter{ResponseWriter: w}
	cw := export.NewContractWriter(tw, dialect, include)
	err = h.o.Contracts.EachContract(r.Context(), q.filter, cw.Write)
	if err == nil {
		err = cw.Flush()
	}
	if err == nil {
		return
	}
	err = fmt.Errorf("export contracts: %w", err)
	if !tw.wrote {
		// Nothing sent yet: answer with a proper error page instead.
		for _, k := range []string{"Content-Type", "Content-Disposition"} {
			hd.Del(k)
		}
		h.fail(w, r, err)
		return
	}
	// Half a file has gone out. Abort the connection so that the browser
	// reports a failed download rather than keeping a truncated file.
	if r.Context().Err() == nil {
		h.log.Error("export failed mid-stream", "err", err)
	}
	panic(http.ErrAbortHandler)
}

// includePersonal reads the export's personal parameter: "include" adds
// the personal data columns, which are left out otherwise.
func includePersonal(v url.Values) (bool, error) {
	switch p := strings.TrimSpace(v.Get(personalParam)); p {
	case "":
		return false, nil
	case "include":
		return true, nil
	default:
		return false, badParam(personalParam, clip(p), views.N(`not "include"`))
	}
}

// dialectOf is the dialect parameter's CSV dialect, standard by default.
func dialectOf(v url.Values) (export.Dialect, error) {
	name := strings.TrimSpace(v.Get("dialect"))
	if name == "" {
		name = "standard"
	}
	d, err := export.DialectByName(name)
	if err != nil {
		return d, badParam("dialect", clip(name), views.N("not a CSV dialect (standard or excel-de)"))
	}
	return d, nil
}

// trackingWriter notes whether any of the body has been written.
type trackingWriter struct {
	http.ResponseWriter
	wrote bool
}

func (t *trackingWriter) Write(p []byte) (int, error) {
	if len(p) > 0 {
		t.wrote = true
	}
	return t.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (t *trackingWriter) Unwrap() http.ResponseWriter { return t.ResponseWriter }

package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/a-h/templ"
)

// Every page has a JSON twin for people who script: the same address with
// ".json" appended (/contracts.json, /contracts/12.json, /.json for the
// start page) or the page's own address asked for with
// Accept: application/json. The twin carries the data the page shows, with
// the page's filters and paging, under stable snake_case names; amounts are
// exact decimal strings, instants RFC 3339 in UTC. Errors answer with the
// page's status and message as {"status", "error", "message"}.
//
// One mechanism serves them all: twins marks the request and strips the
// suffix so that the page's own route answers, and respond and fail pick
// the representation.

type twinKey struct{}

// twinSuffix marks the JSON twin of a page's address.
const twinSuffix = ".json"

// twins marks a request for a JSON twin and, where the path ending in
// ".json" has no route of its own (compare.json and savings.json do), hands
// it to the route of the page without the suffix.
func (h *handler) twins(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if (r.Method == http.MethodGet || r.Method == http.MethodHead) && strings.HasSuffix(r.URL.Path, twinSuffix) &&
			!strings.HasPrefix(r.URL.Path, "/static/") {
			r = r.WithContext(context.WithValue(r.Context(), twinKey{}, true))
			if _, pattern := h.mux.Handler(r); !strings.HasSuffix(pattern, twinSuffix) {
				u := *r.URL
				u.Path = strings.TrimSuffix(u.Path, twinSuffix)
				if u.Path == "" {
					u.Path = "/"
				}
				u.RawPath = ""
				r.URL = &u
			}
		}
		next.ServeHTTP(w, r)
	})
}

// wantsJSON reports whether r asks for a page's JSON twin: by its address
// (".json") or by preferring JSON to HTML in its Accept header.
func wantsJSON(r *http.Request) bool {
	if twin, _ := r.Context().Value(twinKey{}).(bool); twin {
		return true
	}
	if strings.HasSuffix(r.URL.Path, twinSuffix) {
		return true // before twins has run: the token guard's answers
	}
	a := r.Header.Get("Accept")
	return strings.Contains(a, "application/json") && !strings.Contains(a, "text/html")
}

// respond answers with page, or with doc's JSON when r asks for the twin;
// doc is built only then.
func (h *handler) respond(w http.ResponseWriter, r *http.Request, status int, page templ.Component, doc func() any) {
	w.Header().Add("Vary", "Accept")
	if wantsJSON(r) {
		writeJSON(w, status, doc())
		return
	}
	h.render(w, r, status, page)
}

// errorDoc is an error's JSON: the status and words of the error page.
type errorDoc struct {
	Status  int    `json:"status"`
	Error   string `json:"error"`
	Message string `json:"message"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		http.Error(w, `{"error":"internal error"}`, http.StatusInternalServerError)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/json; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

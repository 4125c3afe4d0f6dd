// Package simfault makes the simulated vendors misbehave on demand, the same
// way for every vendor, so one connector test suite can drive them all: a
// status instead of the answer, a delay, a body cut off mid-way, payloads with
// a wrong JSON type or unknown extra fields, for every n-th request or only
// some records.
package simfault

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Faults make a simulator misbehave. The zero value is a healthy server.
type Faults struct {
	Status     int           // answer this status instead of the payload
	RetryAfter time.Duration // with Status: send a Retry-After header (whole seconds)
	Delay      time.Duration // sleep before answering (cut short if the client leaves)
	CutBody    bool          // declare the full Content-Length, send half, abort
	WrongTypes bool          // the payload carries a wrong JSON type in a field the vendor picks
	Extra      bool          // the payload carries unknown extra fields
	EveryNth   int           // apply only to every n-th matching request; 0 = all
	IDs        []string      // apply only to requests for these record ids; empty = all
}

func (f Faults) any() bool {
	return f.Status != 0 || f.Delay > 0 || f.CutBody || f.WrongTypes || f.Extra
}

// Injector holds the faults in force for one simulator. Safe for concurrent use.
type Injector struct {
	mu      sync.Mutex
	faults  Faults
	matched int64
}

// Set replaces the faults in force and restarts the EveryNth count.
func (in *Injector) Set(f Faults) {
	f.IDs = slices.Clone(f.IDs)
	in.mu.Lock()
	in.faults, in.matched = f, 0
	in.mu.Unlock()
}

// Get returns the faults in force.
func (in *Injector) Get() Faults {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.faults
}

// Intercept applies the faults to a request for record id ("" for a list or
// other endpoint; IDs then never match). It sleeps for Delay; if Status is
// set it answers with errBody(status) and reports handled. Otherwise it
// returns the faults that apply to this request (zero if none), for the
// simulator to cut or alter its payload with Write.
func (in *Injector) Intercept(w http.ResponseWriter, r *http.Request, id string, errBody func(status int) []byte) (active Faults, handled bool) {
	in.mu.Lock()
	f := in.faults
	apply := f.any()
	if apply && len(f.IDs) > 0 {
		apply = slices.Contains(f.IDs, id)
	}
	if apply && f.EveryNth > 0 {
		in.matched++
		apply = in.matched%int64(f.EveryNth) == 0
	}
	in.mu.Unlock()
	if !apply {
		return Faults{}, false
	}
	if !Wait(r, f.Delay) {
		return Faults{}, true
	}
	if f.Status != 0 {
		if f.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(f.RetryAfter.Round(time.Second)/time.Second)))
		}
		Write(w, f.Status, "application/json", errBody(f.Status), f.CutBody)
		return Faults{}, true
	}
	return f, false
}

// Wait sleeps for d before an answer, cut short when the client leaves; it
// reports whether the request is still to be answered.
func Wait(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// Write sends body; with cut it declares the full length, sends half and
// drops the connection, as a proxy dying mid-response does. An empty
// contentType sends no Content-Type header, and net/http sniffs none.
func Write(w http.ResponseWriter, status int, contentType string, body []byte, cut bool) {
	if contentType == "" {
		w.Header()["Content-Type"] = nil
	} else {
		w.Header().Set("Content-Type", contentType)
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if !cut {
		_, _ = w.Write(body)
		return
	}
	_, _ = w.Write(body[:len(body)/2])
	_ = http.NewResponseController(w).Flush()
	panic(http.ErrAbortHandler) // net/http closes the connection without logging
}

// Alter applies the payload faults of f to a JSON body: WrongTypes gives
// every value under the key field another JSON type (a string, or an object
// where it was a string), Extra adds an unknown key to every object. The result keeps the order of the other keys.
func Alter(f Faults, body []byte, field string) []byte {
	if f.WrongTypes {
		body = setWrongType(body, field)
	}
	if f.Extra {
		body = addExtra(body)
	}
	return body
}

// setWrongType replaces the value of every member named field by a string.
func setWrongType(body []byte, field string) []byte {
	var v any
	if err := decode(body, &v); err != nil {
		return body
	}
	return encode(walk(v, func(m map[string]any) {
		v, ok := m[field]
		switch {
		case !ok:
		case isString(v):
			// A string field gets an object: a string would be no type error.
			m[field] = map[string]any{"unexpected": "object"}
		default:
			m[field] = "not-what-you-expect"
		}
	}), body)
}

func isString(v any) bool {
	_, ok := v.(string)
	return ok
}

// addExtra adds an unknown member to every object.
func addExtra(body []byte) []byte {
	var v any
	if err := decode(body, &v); err != nil {
		return body
	}
	return encode(walk(v, func(m map[string]any) {
		m["x_simulated_extra"] = map[string]any{"note": "a field no documentation mentions", "n": 1}
	}), body)
}

func decode(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	return d.Decode(v)
}

func encode(v any, orig []byte) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return orig
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

func walk(v any, fn func(map[string]any)) any {
	switch t := v.(type) {
	case map[string]any:
		// Children first, so fn never walks into what it just added.
		for _, c := range t {
			walk(c, fn)
		}
		fn(t)
	case []any:
		for _, c := range t {
			walk(c, fn)
		}
	}
	return v
}

// wire is Faults as JSON, with durations as Go duration strings ("250ms").
type wire struct {
	Status     int      `json:"status"`
	RetryAfter string   `json:"retryAfter,omitempty"`
	Delay      string   `json:"delay,omitempty"`
	CutBody    bool     `json:"cutBody"`
	WrongTypes bool     `json:"wrongTypes"`
	Extra      bool     `json:"extra"`
	EveryNth   int      `json:"everyNth"`
	IDs        []string `json:"ids"`
}

// ServeHTTP lets another process steer the faults: GET shows them, POST
// replaces them with a JSON body such as {"status":503,"everyNth":3}.
func (in *Injector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fail := func(msg string) {
		body, _ := json.Marshal(map[string]string{"error": "bad_request", "message": msg})
		Write(w, http.StatusBadRequest, "application/json", body, false)
	}
	switch r.Method {
	case http.MethodGet:
		f := in.Get()
		body, _ := json.Marshal(wire{f.Status, f.RetryAfter.String(), f.Delay.String(), f.CutBody, f.WrongTypes, f.Extra, f.EveryNth, f.IDs})
		Write(w, http.StatusOK, "application/json", body, false)
	case http.MethodPost:
		var in2 wire
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in2); err != nil {
			fail(err.Error())
			return
		}
		f := Faults{Status: in2.Status, CutBody: in2.CutBody, WrongTypes: in2.WrongTypes, Extra: in2.Extra, EveryNth: in2.EveryNth, IDs: in2.IDs}
		for _, d := range []struct {
			s   string
			dst *time.Duration
		}{{in2.Delay, &f.Delay}, {in2.RetryAfter, &f.RetryAfter}} {
			if d.s == "" {
				continue
			}
			v, err := time.ParseDuration(d.s)
			if err != nil {
				fail("duration: " + err.Error())
				return
			}
			*d.dst = v
		}
		if f.Status != 0 && (f.Status < 100 || f.Status > 999) {
			fail("status: want an HTTP status code")
			return
		}
		in.Set(f)
		w.WriteHeader(http.StatusNoContent)
	default:
		w.Header().Set("Allow", "GET, POST")
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

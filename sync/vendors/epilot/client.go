// Package epilot reads a portal user's contracts, meters and meter time
// series (consumption, prices, costs) from the epilot customer portal API
// with a portal bearer token. Its connector declares a contract stream and
// a series stream (engine.Streams).
package epilot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"wattfolio/app"
	"wattfolio/app/series"
	"wattfolio/sync/engine"
	"wattfolio/sync/vendors/internal/rest"
)

// Errors a whole-source failure wraps.
var (
	ErrUnauthorized = rest.Kind("the portal token was rejected (revoked or expired?)", rest.ErrUnauthorized)
	ErrForbidden    = rest.Kind("the portal token may not read this (missing permission?)", rest.ErrUnauthorized)
	ErrUnavailable  = rest.Unavailable("epilot is unavailable")
	// errRefused is a time-series interval the vendor does not serve.
	errRefused = errors.New("interval refused")
)

// Config configures one epilot portal source.
type Config struct {
	Source      string
	BaseURL     string // e.g. https://customer-portal-api.sls.epilot.io; may carry a path
	Token       string // the portal user's bearer token
	ContractIDs []string
	// ExtensionID and AppID name the portal extension (and its app) that
	// serves the time series; epilot requires both.
	ExtensionID, AppID string
	// CustomerID is who the portal user is in the cache's customer
	// accounts: every contract of the source belongs to them (the portal
	// serves one customer's contracts). Default: the source's name.
	CustomerID  string
	HTTPClient  *http.Client
	PageSize    int           // contracts per list request; default 100 (the API's default; it names no maximum)
	Concurrency int           // parallel requests; default 8
	Retries     int           // extra tries after 5xx, 429, timeouts; 0 means 2, negative none
	Lookback    time.Duration // re-read before the watermark for late corrections; default 48h
	// History is how far back a first sync reaches when the vendor names
	// no data range; default one year.
	History time.Duration
	// WindowDays is the longest window one request asks for at PT15M
	// (coarser intervals ask for twelve times as much); default 31.
	WindowDays int
	Now        func() time.Time
	// Clock times the waits between tries; nil is the wall clock (tests
	// pass a rest.FakeClock, so that backoff takes no time).
	Clock rest.Clock
	// RequestsPerMinute is the source's max_requests_per_minute: requests
	// are spaced so that no minute holds more; 0 is no limit.
	RequestsPerMinute int
}

// Client is the connector for one epilot source.
type Client struct {
	cfg Config
	api *rest.Client
}

var (
	_ engine.Connector      = (*Client)(nil)
	_ engine.ContractStream = (*Client)(nil)
	_ engine.SeriesStream   = (*Client)(nil)
)

// New checks cfg and fills in defaults.
func New(cfg Config) (*Client, error) {
	fail := func(format string, args ...any) (*Client, error) {
		return nil, fmt.Errorf("epilot source %q: "+format, append([]any{cfg.Source}, args...)...)
	}
	u, err := rest.ParseURL("base URL", cfg.BaseURL, "https://customer-portal-api.sls.epilot.io",
		"the portal token goes in the environment variable named by token_env")
	if err != nil {
		return fail("%v", err)
	}
	tok, err := rest.BearerToken(cfg.Token)
	switch {
	case err != nil:
		return fail("portal token: %v", err)
	case tok == "":
		return fail("no portal token configured")
	}
	cfg.Token = tok
	if cfg.ExtensionID == "" {
		cfg.ExtensionID = "wattfolio-consumption"
	}
	if cfg.AppID == "" {
		cfg.AppID = "wattfolio"
	}
	if cfg.CustomerID == "" {
		cfg.CustomerID = cfg.Source
	}
	if cfg.PageSize <= 0 {
		cfg.PageSize = 100
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 8
	}
	if cfg.HTTPClient == nil {
		// Keep a connection per parallel request: the default transport
		// keeps two idle per host and would open and close the rest for
		// every window.
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = cfg.Concurrency
		cfg.HTTPClient = &http.Client{Timeout: 60 * time.Second, Transport: t}
	}
	if cfg.Lookback <= 0 {
		cfg.Lookback = 48 * time.Hour
	}
	if cfg.History <= 0 {
		cfg.History = 366 * 24 * time.Hour
	}
	if cfg.WindowDays <= 0 {
		cfg.WindowDays = 31
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	api := rest.New(u, cfg.HTTPClient, rest.Bearer(cfg.Token), rest.Policy{Retries: cfg.Retries, MaxRetryAfter: 5 * time.Second, RequestsPerMinute: cfg.RequestsPerMinute})
	api.Clock = cfg.Clock
	return &Client{cfg: cfg, api: api}, nil
}

// Streams declares what an epilot source serves: contracts (within the
// configured contract ids, if any) and their meters' time series, as many
// meters at once as requests may run in parallel.
func (c *Client) Streams() engine.Streams {
	return engine.Streams{Contracts: c, Series: c, Scope: c.Covers, Concurrency: c.cfg.Concurrency}
}

func (c *Client) sourceErr(err error) error {
	return fmt.Errorf("epilot source %q: %w", c.cfg.Source, err)
}

// reply is an answer the caller judges: a 2xx, or a status other than
// 401, 403 or one worth retrying.
type reply struct {
	status int
	body   []byte
}

// maxBody bounds a response; a year of quarter hours is far below it.
const maxBody = 256 << 20

// call does one request through the kit, which retries 5xx, 429, timeouts
// and cut bodies. 401 and 403 become ErrUnauthorized and ErrForbidden;
// other statuses are returned to the caller.
func (c *Client) call(ctx context.Context, method, path string, q url.Values) (reply, error) {
	return c.callInto(ctx, method, path, q, nil)
}

// callInto is call reading a 2xx body into memory lent by the caller
// (rest.Request.Into).
func (c *Client) callInto(ctx context.Context, method, path string, q url.Values, into []byte) (reply, error) {
	resp, err := c.api.Do(ctx, rest.Request{
		Method: method, Path: path, Query: q, MaxBody: maxBody, Into: into,
		Describe: func(status int, body []byte) string { return rest.StatusLine(status) + vendorMsg(body) },
	}, nil)
	var e *rest.Error
	switch {
	case err == nil:
		return reply{status: resp.Status, body: resp.Body}, nil
	case ctx.Err() != nil:
		return reply{}, ctx.Err()
	case !errors.As(err, &e):
		return reply{}, err
	case e.Status == http.StatusUnauthorized:
		return reply{status: e.Status, body: e.Body}, ErrUnauthorized
	case e.Status == http.StatusForbidden:
		return reply{status: e.Status, body: e.Body}, ErrForbidden
	case e.Kind == rest.ErrUnavailable, e.Kind == rest.ErrBadData:
		return reply{}, fmt.Errorf("%w: %s %s: %s", ErrUnavailable, method, path, e.Last)
	}
	return reply{status: e.Status, body: e.Body}, nil
}

// vendorMsg is the vendor's {message, reason} as ": reason: message".
func vendorMsg(body []byte) string {
	var e struct{ Message, Reason string }
	if json.Unmarshal(body, &e) != nil || e.Message == "" {
		return ""
	}
	msg := e.Message
	if len(msg) > 200 {
		msg = msg[:200]
	}
	if e.Reason != "" {
		return ": " + e.Reason + ": " + msg
	}
	return ": " + msg
}

// statusErr is an answer the caller did not expect, of the kit's kind for
// its status (a 404 is rest.ErrNotFound).
func statusErr(what string, r reply) error {
	return rest.Kind(fmt.Sprintf("%s HTTP %d%s", what, r.status, vendorMsg(r.body)), rest.StatusKind(r.status))
}

// Validate checks the token with POST /v2/portal/token/validate (204).
func (c *Client) Validate(ctx context.Context) error {
	r, err := c.call(ctx, http.MethodPost, "/v2/portal/token/validate", nil)
	if err != nil {
		return c.sourceErr(err)
	}
	if r.status != http.StatusNoContent && r.status != http.StatusOK {
		return c.sourceErr(statusErr("token validation answered", r))
	}
	return nil
}

// Contracts implements engine.ContractStream: it validates the token, then
// pages through GET /v2/portal/contract (cursor: the offset) and reads each
// contract with its meters (Page.Meters) from GET /v2/portal/contract/{id}.
func (c *Client) Contracts(ctx context.Context, cursor string, page func(engine.Page) error) error {
	if err := c.Validate(ctx); err != nil {
		return err
	}
	from := 0
	if cursor != "" {
		n, err := strconv.Atoi(cursor)
		if err != nil || n < 0 {
			return c.sourceErr(fmt.Errorf("bad cursor %q: want an offset", cursor))
		}
		from = n
	}
	want := map[string]bool{}
	for _, id := range c.cfg.ContractIDs {
		want[id] = true
	}
	for {
		q := url.Values{"from": {strconv.Itoa(from)}, "size": {strconv.Itoa(c.cfg.PageSize)}}
		r, err := c.call(ctx, http.MethodGet, "/v2/portal/contract", q)
		if err != nil {
			return c.sourceErr(err)
		}
		if r.status != http.StatusOK {
			return c.sourceErr(statusErr("list contracts:", r))
		}
		var list struct {
			Data []json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(r.body, &list); err != nil {
			return c.sourceErr(fmt.Errorf("list contracts: %v", err))
		}
		p, err := c.details(ctx, list.Data, want)
		if err != nil {
			return err
		}
		from += len(list.Data)
		p.Cursor = strconv.Itoa(from)
		if err := page(p); err != nil {
			return err
		}
		if len(list.Data) < c.cfg.PageSize {
			break
		}
	}
	return nil
}

// details fetches the contracts of one list page in parallel.
func (c *Client) details(ctx context.Context, items []json.RawMessage, want map[string]bool) (engine.Page, error) {
	type out struct {
		contract app.Contract
		meters   []series.Meter
		failure  *app.RecordError
		skip     bool
	}
	res := make([]out, len(items))
	err := rest.Each(ctx, len(items), c.cfg.Concurrency, func(ctx context.Context, i int) error {
		var head struct {
			ID string `json:"_id"`
		}
		if err := json.Unmarshal(items[i], &head); err != nil || head.ID == "" {
			res[i].failure = &app.RecordError{Source: c.cfg.Source, Record: fmt.Sprintf("contract #%d of the list", i+1), Field: "_id", Err: errors.New("missing or not a string")}
			return nil
		}
		if len(want) > 0 && !want[head.ID] {
			res[i].skip = true
			return nil
		}
		ct, ms, rerr, fatal := c.contract(ctx, head.ID)
		res[i] = out{contract: ct, meters: ms, failure: rerr}
		return fatal
	})
	if err != nil {
		return engine.Page{}, c.sourceErr(err)
	}
	var p engine.Page
	for _, o := range res {
		switch {
		case o.skip:
		case o.failure != nil:
			p.Failures = append(p.Failures, o.failure)
		default:
			p.Contracts = append(p.Contracts, o.contract)
			p.Meters = append(p.Meters, o.meters...)
		}
	}
	return p, nil
}

func (c *Client) contract(ctx context.Context, id string) (app.Contract, []series.Meter, *app.RecordError, error) {
	rec := "contract " + id
	r, err := c.call(ctx, http.MethodGet, "/v2/portal/contract/"+url.PathEscape(id), nil)
	if err != nil {
		if errors.Is(err, ErrUnauthorized) || errors.Is(err, ErrForbidden) || ctx.Err() != nil {
			return app.Contract{}, nil, nil, err
		}
		return app.Contract{}, nil, &app.RecordError{Source: c.cfg.Source, Record: rec, Err: err}, nil
	}
	if r.status != http.StatusOK {
		return app.Contract{}, nil, &app.RecordError{Source: c.cfg.Source, Record: rec, Err: fmt.Errorf("HTTP %d%s", r.status, vendorMsg(r.body))}, nil
	}
	ct, ms, rerr := c.mapContract(id, r.body)
	return ct, ms, rerr, nil
}

// Meters implements engine.SeriesStream: the meters the contracts name
// (listed, from this run's pages), each with the intervals and data range
// /v2/portal/visualization/metadata reports. A deployment without that
// endpoint (404) has the intervals probed instead. A meter whose metadata
// cannot be read is a record failure.
func (c *Client) Meters(ctx context.Context, meters []series.Meter) ([]series.Meter, []*app.RecordError, error) {
	out := make([]series.Meter, len(meters))
	fails := make([]*app.RecordError, len(meters))
	err := rest.Each(ctx, len(meters), c.cfg.Concurrency, func(ctx context.Context, i int) error {
		var fatal error
		out[i], fails[i], fatal = c.metadata(ctx, meters[i])
		return fatal
	})
	if err != nil {
		return nil, nil, c.sourceErr(err)
	}
	var ok []series.Meter
	var failures []*app.RecordError
	for i := range out {
		if fails[i] != nil {
			failures = append(failures, fails[i])
			continue
		}
		ok = append(ok, out[i])
	}
	return ok, failures, nil
}

func (c *Client) contextEntities(meter string) string {
	b, _ := json.Marshal([]map[string]string{{"entity_id": meter, "entity_schema": "meter"}})
	return string(b)
}

func (c *Client) metadata(ctx context.Context, m series.Meter) (series.Meter, *app.RecordError, error) {
	rec := "meter " + m.ExternalID
	q := url.Values{"app_id": {c.cfg.AppID}, "extensionId": {c.cfg.ExtensionID}, "context_entities": {c.contextEntities(m.ExternalID)}}
	r, err := c.call(ctx, http.MethodGet, "/v2/portal/visualization/metadata", q)
	if err != nil {
		if errors.Is(err, ErrUnauthorized) || errors.Is(err, ErrForbidden) || ctx.Err() != nil {
			return m, nil, err
		}
		return m, &app.RecordError{Source: c.cfg.Source, Record: rec, Err: fmt.Errorf("visualization metadata: %w", err)}, nil
	}
	if r.status == http.StatusNotFound {
		// An older deployment (the API of the 0.23.1 client) has no
		// metadata endpoint; a meter it does not know fails the probe.
		return c.probe(ctx, m)
	}
	if r.status != http.StatusOK {
		return m, &app.RecordError{Source: c.cfg.Source, Record: rec, Err: fmt.Errorf("visualization metadata: HTTP %d%s", r.status, vendorMsg(r.body))}, nil
	}
	var md struct {
		Intervals []string `json:"intervals"`
		DataRange *struct {
			From string `json:"from"`
			To   string `json:"to"`
		} `json:"data_range"`
	}
	if err := json.Unmarshal(r.body, &md); err != nil {
		return m, &app.RecordError{Source: c.cfg.Source, Record: rec, Field: "intervals", Err: err}, nil
	}
	m.Intervals = nil
	for _, iv := range series.Fallback {
		for _, s := range md.Intervals {
			if series.Interval(s) == iv {
				m.Intervals = append(m.Intervals, iv)
			}
		}
	}
	if md.DataRange != nil {
		for _, f := range []struct {
			name string
			s    string
			dst  *time.Time
		}{{"data_range.from", md.DataRange.From, &m.DataFrom}, {"data_range.to", md.DataRange.To, &m.DataTo}} {
			if f.s == "" {
				continue
			}
			t, err := parseInstant(f.s)
			if err != nil {
				return m, &app.RecordError{Source: c.cfg.Source, Record: rec, Field: f.name, Err: fmt.Errorf("not an ISO 8601 date-time: %q", clip(f.s))}, nil
			}
			*f.dst = t.UTC()
		}
	}
	return m, nil, nil
}

func clip(s string) string { return app.Clip(s, 40) }

// probe finds a meter's intervals where the vendor has no metadata to
// name them: from the finest, one day of consumption at each until one is
// served. That one and the coarser ones are the meter's (Readings still
// falls back from one refused later); the data range stays unknown.
func (c *Client) probe(ctx context.Context, m series.Meter) (series.Meter, *app.RecordError, error) {
	to := c.cfg.Now().UTC().Truncate(24 * time.Hour)
	for i, iv := range series.Fallback {
		_, err := c.window(ctx, m, series.Consumption, iv, to.Add(-24*time.Hour), to, nil)
		switch {
		case err == nil:
			m.Intervals = slices.Clone(series.Fallback[i:])
			return m, nil, nil
		case errors.Is(err, errRefused):
		case errors.Is(err, ErrUnauthorized) || errors.Is(err, ErrForbidden) || ctx.Err() != nil:
			return m, nil, err
		default:
			return m, &app.RecordError{Source: c.cfg.Source, Record: "meter " + m.ExternalID, Err: fmt.Errorf("no visualization metadata; probing intervals: %w", err)}, nil
		}
	}
	return m, &app.RecordError{Source: c.cfg.Source, Record: "meter " + m.ExternalID, Field: "interval",
		Err: fmt.Errorf("no visualization metadata, and every interval was refused (%v)", series.Fallback)}, nil
}

var endpoints = map[series.Measure]string{
	series.Consumption: "/v2/portal/consumption",
	series.Price:       "/v2/portal/prices",
	series.Cost:        "/v2/portal/costs",
}

// Readings implements engine.SeriesStream. It reads one measure of one
// meter from just before the watermark (Lookback, for late corrections) or
// the start of the meter's data, up to now or the end of its data, in
// windows the vendor serves, at the finest interval the meter offers,
// falling back to coarser ones when the vendor refuses one. Each window is
// one batch whose watermark is the window's end.
func (c *Client) Readings(ctx context.Context, m series.Meter, measure series.Measure, st series.State, batch func(series.Batch) error) error {
	now := c.cfg.Now().UTC()
	end := now
	if !m.DataTo.IsZero() && m.DataTo.Before(end) {
		end = m.DataTo
	}
	begin := now.Add(-c.cfg.History)
	if !m.DataFrom.IsZero() {
		begin = m.DataFrom
	}
	ivs := m.Intervals
	if len(ivs) == 0 {
		ivs = series.Fallback
	}
	// Keep the interval already stored; a finer one only on a fresh series.
	if st.Interval != "" {
		for i, iv := range ivs {
			if iv == st.Interval {
				ivs = ivs[i:]
				break
			}
		}
	}
	for len(ivs) > 0 {
		iv := ivs[0]
		from := begin
		if !st.Watermark.IsZero() && iv == st.Interval {
			from = st.Watermark.Add(-c.cfg.Lookback)
			if from.Before(begin) {
				from = begin
			}
		}
		step := iv.Seconds()
		from = time.Unix(from.Unix()-from.Unix()%step, 0).UTC()
		if iv == series.P1D {
			// Days start at local midnight; go back one more to be safe.
			from = from.Add(-24 * time.Hour)
		}
		err := c.windows(ctx, m, measure, iv, from, end, batch)
		if errors.Is(err, errRefused) {
			ivs = ivs[1:]
			continue
		}
		return err
	}
	return c.sourceErr(fmt.Errorf("meter %s: %s: every interval was refused (%v)", m.ExternalID, measure, m.Intervals))
}

func (c *Client) windows(ctx context.Context, m series.Meter, measure series.Measure, iv series.Interval, from, end time.Time, batch func(series.Batch) error) error {
	span := time.Duration(c.cfg.WindowDays) * 24 * time.Hour
	if iv != series.PT15M {
		span *= 12
	}
	first := true
	var body []byte // the windows' answers, one after the other
	// gap: the first window inside the range the vendor says it has data
	// for that came back empty. The batches after it are stored but move
	// no watermark, so that the next sync asks for it again rather than
	// start past it. It is named in the run once records come after it: an
	// empty end of the range is more likely data not published yet.
	var gap *app.RecordError
	named := false
	for w := from; w.Before(end); w = w.Add(span) {
		to := w.Add(span)
		if to.After(end) {
			to = end
		}
		b, err := c.window(ctx, m, measure, iv, w, to, &body)
		if err != nil {
			if errors.Is(err, errRefused) && !first {
				return c.sourceErr(fmt.Errorf("meter %s: %s: interval %s refused part-way", m.ExternalID, measure, iv))
			}
			return err
		}
		first = false
		if gap == nil && len(b.Readings) == 0 && len(b.Failures) == 0 && vendorHasData(m, iv, w, to) {
			gap = &app.RecordError{Source: c.cfg.Source,
				Record: fmt.Sprintf("meter %s %s %s..%s", m.ExternalID, measure, w.Format(time.RFC3339), to.Format(time.RFC3339)),
				Err: fmt.Errorf("no records, though the vendor names data from %s to %s and has records after; the next sync asks again",
					m.DataFrom.Format(time.RFC3339), m.DataTo.Format(time.RFC3339))}
		}
		if gap != nil {
			b.Watermark = time.Time{}
			if !named && len(b.Readings) > 0 {
				b.Failures, named = append(b.Failures, gap), true
			}
		}
		if err := batch(b); err != nil {
			return err
		}
	}
	return nil
}

// vendorHasData is whether the meter's data range, as the vendor's
// metadata states it, covers at least one whole interval of [from, to)
// (a day of 23 hours counts at P1D).
func vendorHasData(m series.Meter, iv series.Interval, from, to time.Time) bool {
	if m.DataFrom.IsZero() && m.DataTo.IsZero() {
		return false // the vendor says nothing
	}
	if !m.DataFrom.IsZero() && m.DataFrom.After(from) {
		from = m.DataFrom
	}
	if !m.DataTo.IsZero() && m.DataTo.Before(to) {
		to = m.DataTo
	}
	return to.Sub(from) >= min(time.Duration(iv.Seconds())*time.Second, 23*time.Hour)
}

// window reads one window of a stream. buf, when not nil, is memory the
// stream's windows share for their answers, one after the other: an answer
// is megabytes, and nothing of it outlives its parse (parse copies what the
// batch keeps). Shared by one stream's windows only, it is garbage once the
// stream is read, rather than held by a pool for the whole sync (that held
// a quarter more memory at the sync's peak).
func (c *Client) window(ctx context.Context, m series.Meter, measure series.Measure, iv series.Interval, from, to time.Time, buf *[]byte) (series.Batch, error) {
	q := url.Values{
		"extensionId": {c.cfg.ExtensionID}, "app_id": {c.cfg.AppID},
		"context_entities": {c.contextEntities(m.ExternalID)},
		// Deprecated in favour of context_entities, but what an older
		// deployment (the 0.23.1 client's API) knows the meter by.
		"meter_id": {m.ExternalID},
		"from":     {from.Format(time.RFC3339)}, "to": {to.Format(time.RFC3339)},
		"interval": {string(iv)},
	}
	var into []byte
	if buf != nil {
		into = *buf
	}
	r, err := c.callInto(ctx, http.MethodGet, endpoints[measure], q, into)
	if err != nil {
		return series.Batch{}, c.sourceErr(fmt.Errorf("meter %s: %s %s..%s: %w", m.ExternalID, measure, from.Format(time.RFC3339), to.Format(time.RFC3339), err))
	}
	switch {
	case r.status == http.StatusOK:
		if buf != nil {
			*buf = r.body[:0] // what the body grew the memory to, for the next window
		}
	case (r.status == http.StatusBadRequest || r.status == http.StatusUnprocessableEntity || r.status == http.StatusNotImplemented) &&
		bytes.Contains(bytes.ToLower(r.body), []byte("interval")):
		return series.Batch{}, errRefused
	default:
		return series.Batch{}, c.sourceErr(statusErr(fmt.Sprintf("meter %s: %s:", m.ExternalID, measure), r))
	}
	b := series.Batch{Meter: m.ExternalID, Measure: measure, Interval: iv, Watermark: to}
	if err := c.parse(m.ExternalID, measure, r.body, &b); err != nil {
		return series.Batch{}, c.sourceErr(fmt.Errorf("meter %s: %s %s..%s: %w", m.ExternalID, measure, from.Format(time.RFC3339), to.Format(time.RFC3339), err))
	}
	return b, nil
}

// Covers is the source's scope (engine.Streams.Scope): the listing is the configured contract
// ids, or all of the portal user's contracts when none are configured.
func (c *Client) Covers(ref app.ContractRef) bool {
	return len(c.cfg.ContractIDs) == 0 || slices.Contains(c.cfg.ContractIDs, ref.ExternalID)
}

// Package rest is the connector kit: one HTTP client every vendor connector
// sends its requests through, after go-github's client (a base URL, an
// injected *http.Client, one Do, statuses turned into typed errors). It
// holds the one retry policy (exponential backoff with jitter, Retry-After,
// rate-limit headers), pluggable auth (bearer, API-key header, OAuth 2.0
// client credentials), the error kinds the engine and the shared suite test
// with errors.Is, and bounded fan-out.
//
// What stays with each connector is what the vendor's answers mean: which
// failures stop the whole source, which are a record's, and their wording.
package rest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"wattfolio/sync/engine"
	"wattfolio/sync/vendors/internal/jsonfield"
)

// Client sends requests to one vendor API.
type Client struct {
	Base   *url.URL // scheme://host/path, no trailing slash (ParseURL)
	HTTP   *http.Client
	Auth   Auth // nil: no credentials
	Policy Policy
	Clock  Clock // nil: RealClock
	// Budget follows the vendor's rate-limit headers; nil ignores them.
	Budget *Budget
	// Limiter spaces the requests of a source; nil does not. Clients of
	// one source share it.
	Limiter *Limiter
	// Rand gives the jitter in [0, 1); nil: math/rand.
	Rand func() float64
}

// New returns a client of base with hc (nil: a client with a 30 s timeout)
// and p with its defaults filled in, limited to p.RequestsPerMinute.
func New(base *url.URL, hc *http.Client, auth Auth, p Policy) *Client {
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	return &Client{Base: base, HTTP: hc, Auth: auth, Policy: p.withDefaults(), Limiter: NewLimiter(p.RequestsPerMinute)}
}

// Request is one API request.
type Request struct {
	Method string     // default GET
	Path   string     // below Base's path, e.g. "/v1/contracts"
	URL    string     // an absolute URL instead of Path (a next link, a token endpoint)
	Query  url.Values // added to the URL
	Body   []byte
	// ContentType of Body; default application/json.
	ContentType string
	Accept      string // default application/json
	MaxBody     int64  // the largest 2xx body read; default 16 MB
	Auth        Auth   // instead of the client's, e.g. for a token endpoint
	// Describe says what a non-2xx answer was, for the message after the
	// last try (say, the vendor's problem document); default its status.
	Describe func(status int, body []byte) string
	// Into, when not nil, is memory lent for a 2xx body: it is read there
	// (growing it if it must) and Response.Body shares it. A caller that
	// reads megabytes of readings answer after answer lends the same
	// memory each time instead of allocating and zeroing it anew.
	Into []byte
}

// Response is a 2xx answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// maxErrBody bounds what is kept of a non-2xx answer: a problem document.
const maxErrBody = 64 << 10

// Do sends req until it gets a readable 2xx answer, retrying under the
// policy, and returns it. decode (nil: none) reads a 2xx answer; when it
// reports jsonfield.ErrTruncated the request is tried again, any other
// error ends it as ErrBadData. Every other outcome is an *Error carrying
// its kind; the context ending returns ctx.Err().
func (c *Client) Do(ctx context.Context, req Request, decode func(*Response) error) (*Response, error) {
	p := c.Policy
	tries := p.Retries + 1
	failures, renewed, sent := 0, false, 0
	backoff429 := p.Backoff
	var last string
	reach := engine.ReachOf(ctx)
	for {
		// A source found offline asks nothing more in this run: the sync
		// fails at once with one line, not after every request's retries.
		if cause, down := reach.Down(); down {
			return nil, &Error{Kind: ErrUnavailable, Last: cause + ", not tried: the vendor could not be reached", Tries: failures}
		}
		if err := c.waitBudget(ctx); err != nil {
			return nil, err
		}
		hreq, err := c.build(ctx, req)
		if err != nil {
			return nil, err
		}
		auth := c.Auth
		if req.Auth != nil {
			auth = req.Auth
		}
		var renew func()
		if auth != nil {
			if renew, err = auth.Authorize(ctx, hreq); err != nil {
				return nil, err
			}
		}
		// The request's turn in the source's budget comes last, right before
		// it leaves: taken before Authorize, the turn would go by while a
		// token is fetched (under a turn of its own), and the request would
		// leave later, together with others whose turns had come too.
		if err := c.waitLimit(ctx); err != nil {
			return nil, err
		}
		resp, err := c.send(hreq, req.MaxBody, req.Into)
		sent++
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		status, hint := 0, time.Duration(-1)
		if resp != nil {
			reach.Answered()
			status = resp.Status
			hint = retryAfter(resp.Header.Get("Retry-After"), c.now())
		}
		switch {
		case err != nil && (resp == nil || !errors.Is(err, errTooLarge)):
			last = Describe(err)
			if cause, ok := unreachable(err); ok && reach.Unreachable(cause) {
				return nil, &Error{Kind: ErrUnavailable, Last: last, Tries: failures + 1}
			}
		case err != nil:
			return nil, &Error{Kind: ErrBadData, Status: status, Last: err.Error(), Tries: failures + 1}
		case status >= 200 && status < 300:
			if decode == nil {
				return resp, nil
			}
			derr := decode(resp)
			if derr == nil {
				return resp, nil
			}
			if !errors.Is(derr, jsonfield.ErrTruncated) {
				return resp, &Error{Kind: ErrBadData, Status: status, Header: resp.Header, Tries: failures + 1, Err: derr}
			}
			last = derr.Error()
		case status == http.StatusUnauthorized && renew != nil && !renewed:
			// The token expired early or was revoked: fetch a new one and
			// ask again, without counting a try.
			renew()
			renewed = true
			continue
		case status == http.StatusTooManyRequests && p.WaitOutRateLimits:
			if err := c.waitOutRateLimit(ctx, resp, describe(req, resp), hint, &backoff429, sent+1); err != nil {
				return nil, err
			}
			continue
		case retryable(status):
			last = describe(req, resp)
			if p.MaxRetryAfter > 0 {
				hint = min(hint, p.MaxRetryAfter)
			}
		default:
			return nil, &Error{Kind: StatusKind(status), Status: status, Header: resp.Header, Body: resp.Body, Last: describe(req, resp), Tries: failures + 1}
		}
		failures++
		if failures >= tries {
			return nil, &Error{Kind: ErrUnavailable, Status: status, Last: last, Tries: failures}
		}
		wait := p.delay(failures, hint, c.rand())
		if p.MaxWait > 0 && wait > p.MaxWait {
			return nil, &Error{Kind: ErrUnavailable, Status: status, Last: last, Tries: failures, Wait: wait}
		}
		shown := status // the cause is the status only when it was one to retry
		if !retryable(status) {
			shown = 0
		}
		engine.ReportWait(ctx, engine.Wait{Cause: last, Status: shown, For: wait, Attempt: failures + 1, Of: tries})
		if err := c.clock().Sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("waiting to try again: %w", err)
		}
	}
}

// waitOutRateLimit waits as long as a 429 asks: Retry-After, failing that
// the window's reset when the headers say the budget is spent (a 429 with
// budget left is about something else, and waiting out a whole window for
// it would stall the sync for nothing), failing that a backoff doubled per
// 429, so that a server that keeps refusing ends in an error, not a busy
// loop.
func (c *Client) waitOutRateLimit(ctx context.Context, resp *Response, what string, hint time.Duration, backoff *time.Duration, attempt int) error {
	wait := hint
	if wait < 0 && c.Budget != nil {
		if reset, spent := c.Budget.read(resp.Header, c.now()); spent {
			wait = reset
		}
	}
	if wait <= 0 {
		wait, *backoff = *backoff, *backoff*2
	}
	if c.Policy.MaxWait > 0 && wait > c.Policy.MaxWait {
		return &Error{Kind: ErrRateLimited, Status: resp.Status, Header: resp.Header, Body: resp.Body, Last: what, Wait: wait}
	}
	if c.Budget != nil {
		c.Budget.set(ctx, time.Time{}) // the wait below covers it
	}
	engine.ReportWait(ctx, engine.Wait{Cause: StatusLine(resp.Status), Status: resp.Status, For: wait, Attempt: attempt})
	if err := c.clock().Sleep(ctx, wait); err != nil {
		return fmt.Errorf("waiting out the rate limit: %w", err)
	}
	return nil
}

func describe(req Request, resp *Response) string {
	if req.Describe != nil {
		return req.Describe(resp.Status, resp.Body)
	}
	return StatusLine(resp.Status)
}

func (c *Client) build(ctx context.Context, req Request) (*http.Request, error) {
	raw := req.URL
	if raw == "" {
		u := *c.Base
		u.Path += req.Path
		u.RawPath = ""
		raw = u.String()
	}
	if len(req.Query) > 0 {
		raw += "?" + req.Query.Encode()
	}
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(req.Body)
	}
	hreq, err := http.NewRequestWithContext(ctx, method, raw, body)
	if err != nil {
		return nil, err
	}
	accept := req.Accept
	if accept == "" {
		accept = "application/json"
	}
	hreq.Header.Set("Accept", accept)
	if req.Body != nil {
		ct := req.ContentType
		if ct == "" {
			ct = "application/json"
		}
		hreq.Header.Set("Content-Type", ct)
	}
	return hreq, nil
}

var errTooLarge = errors.New("answer too large")

// send does one exchange. A 2xx body is read whole, up to limit; of any
// other answer a little is kept for the vendor's message, and a read error
// there is ignored, since the status says enough.
func (c *Client) send(req *http.Request, limit int64, into []byte) (*Response, error) {
	if limit <= 0 {
		limit = 16 << 20
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	r := &Response{Status: resp.StatusCode, Header: resp.Header}
	if c.Budget != nil {
		c.Budget.note(req.Context(), resp.Header, c.now())
	}
	ok := resp.StatusCode >= 200 && resp.StatusCode < 300
	if !ok {
		limit = maxErrBody
	}
	buf := new(bytes.Buffer)
	if ok && into != nil {
		buf = bytes.NewBuffer(into[:0])
	}
	if n := resp.ContentLength; ok && n > 0 && n <= limit {
		// One allocation when the length is announced: growing a buffer
		// through megabytes of readings copies each of them twice.
		buf.Grow(int(n) + bytes.MinRead)
	}
	_, err = buf.ReadFrom(io.LimitReader(resp.Body, limit+1))
	r.Body = buf.Bytes()
	switch {
	case !ok:
		r.Body = r.Body[:min(int64(len(r.Body)), limit)]
		return r, nil
	case err != nil:
		return r, err
	case int64(len(r.Body)) > limit:
		r.Body = nil
		return r, fmt.Errorf("%w: larger than %d MB", errTooLarge, limit>>20)
	}
	return r, nil
}

func (c *Client) clock() Clock {
	if c.Clock == nil {
		return RealClock{}
	}
	return c.Clock
}

func (c *Client) now() time.Time { return c.clock().Now() }

func (c *Client) rand() func() float64 {
	if c.Rand == nil {
		return defaultRand
	}
	return c.Rand
}

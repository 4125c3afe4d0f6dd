package otark

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"wattfolio/sync/vendors/internal/jsonfield"
	"wattfolio/sync/vendors/retry"
)

// endpoint is the list path, relative to the base URL; errors name it.
const endpoint = "/v1/contracts"

// maxBody bounds one page: 100 contracts of about 1 kB each.
const maxBody = 16 << 20

// envelope is a decoded list page.
type envelope struct {
	contracts  []json.RawMessage
	hasMore    bool
	nextCursor string
}

// reply is one HTTP exchange; err is set when no complete body arrived.
type reply struct {
	status     int
	header     http.Header
	body       []byte
	retryAfter time.Duration // -1 when absent or unreadable
	err        error
}

// fetch gets the page after cursor after, waiting out rate limits and
// retrying transient failures.
func (c *Client) fetch(ctx context.Context, after string) (*envelope, error) {
	failures := 0
	var last string
	backoff429 := c.backoff
	for {
		if err := c.waitBudget(ctx); err != nil {
			return nil, err
		}
		r := c.get(ctx, after)
		if err := ctx.Err(); err != nil {
			return nil, c.sourceErr(fmt.Errorf("GET %s: %w", endpoint, err))
		}
		reset, spent := c.noteBudget(ctx, r.header)

		var wait time.Duration
		switch {
		case r.err != nil:
			last = retry.Describe(r.err)
		case r.status == http.StatusOK:
			env, err := decodeEnvelope(r.body)
			if err == nil {
				return env, nil
			}
			if !errors.Is(err, jsonfield.ErrTruncated) {
				return nil, c.sourceErr(fmt.Errorf("GET %s: %v", endpoint, err))
			}
			last = err.Error()
		case r.status == http.StatusTooManyRequests:
			// Waited out without counting as a failure, however often,
			// as long as each wait is one we are willing to sit through.
			// Retry-After says how long; failing that the window's reset,
			// but only when the headers say the budget is spent: a 429
			// with budget left is about something else, and waiting out a
			// whole window for it would stall the sync for nothing.
			wait = r.retryAfter
			if wait < 0 && spent {
				wait = reset
			}
			if wait <= 0 {
				// No usable hint: back off, doubling, so that a server
				// that keeps refusing ends in an error, not a busy loop.
				wait, backoff429 = backoff429, backoff429*2
			}
			if wait > c.cfg.MaxWait {
				return nil, c.sourceErr(fmt.Errorf("GET %s: %s: %w: it asks to wait %v, longer than the %v allowed",
					endpoint, apiErrorText(r), ErrRateLimited, wait, c.cfg.MaxWait))
			}
			c.clearBudget(ctx) // the wait below covers it
			if err := c.sleep(ctx, wait); err != nil {
				return nil, c.sourceErr(fmt.Errorf("GET %s: waiting out the rate limit: %w", endpoint, err))
			}
			continue
		case r.status >= 500 || r.status == http.StatusRequestTimeout:
			last = apiErrorText(r)
			wait = r.retryAfter
		default:
			return nil, c.sourceErr(newAPIError(r))
		}
		failures++
		if failures > c.cfg.Retries {
			return nil, c.sourceErr(fmt.Errorf("GET %s: %w", endpoint, retry.GaveUp(ErrUnavailable, last, failures)))
		}
		wait = retry.Delay(c.backoff, failures, wait)
		if wait > c.cfg.MaxWait {
			return nil, c.sourceErr(fmt.Errorf("GET %s: %w: %s, and it asks to wait %v before trying again", endpoint, ErrUnavailable, last, wait))
		}
		if err := c.sleep(ctx, wait); err != nil {
			return nil, c.sourceErr(fmt.Errorf("GET %s: waiting to try again: %w", endpoint, err))
		}
	}
}

func (c *Client) get(ctx context.Context, after string) reply {
	q := url.Values{}
	for k, v := range c.query {
		q[k] = v
	}
	if after != "" {
		q.Set("after", after)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base.String()+endpoint+"?"+q.Encode(), nil)
	if err != nil {
		return reply{retryAfter: -1, err: err}
	}
	req.Header.Set("X-Api-Key", c.cfg.APIKey)
	req.Header.Set("Accept", "application/json, application/problem+json")
	resp, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		return reply{retryAfter: -1, err: err}
	}
	defer resp.Body.Close()
	r := reply{status: resp.StatusCode, header: resp.Header, retryAfter: c.retryAfter(resp.Header.Get("Retry-After"))}
	limit := int64(maxBody)
	if resp.StatusCode != http.StatusOK {
		limit = 64 << 10 // a problem document is small
	}
	r.body, r.err = io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if r.err != nil && resp.StatusCode != http.StatusOK {
		r.err = nil // the status says enough
	}
	if r.err == nil && int64(len(r.body)) > limit {
		if resp.StatusCode == http.StatusOK {
			r.err = fmt.Errorf("page larger than %d MB", maxBody>>20)
		}
		r.body = r.body[:limit]
	}
	return r
}

// retryAfter reads Retry-After in seconds or as an HTTP date; -1 when absent
// or unreadable.
func (c *Client) retryAfter(h string) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return -1
	}
	if n, err := strconv.ParseInt(h, 10, 64); err == nil {
		if n < 0 {
			return -1
		}
		return seconds(n)
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(t.Sub(c.clock()), 0)
	}
	return -1
}

func seconds(n int64) time.Duration {
	const maxSecs = int64(1<<63-1) / int64(time.Second)
	return time.Duration(min(n, maxSecs)) * time.Second
}

// resetEpoch: a Reset this large is a Unix time, as some APIs send in
// X-RateLimit-Reset, not a number of seconds.
const resetEpoch = 1_000_000_000

// noteBudget reads the rate-limit headers (RateLimit-* or X-RateLimit-*).
// When Remaining is 0 the next request waits until the window resets, in
// this process and, through the shared budget, in every other one using
// the key. It returns the time until the reset (-1 when not announced) and
// whether the budget is spent.
func (c *Client) noteBudget(ctx context.Context, h http.Header) (reset time.Duration, spent bool) {
	if h == nil {
		return -1, false
	}
	header := func(name string) string {
		if v := h.Get("RateLimit-" + name); v != "" {
			return v
		}
		return h.Get("X-RateLimit-" + name)
	}
	reset = -1
	if n, err := strconv.ParseInt(strings.TrimSpace(header("Reset")), 10, 64); err == nil && n >= 0 {
		if n >= resetEpoch {
			reset = max(time.Unix(n, 0).Sub(c.clock()), 0)
		} else {
			reset = seconds(n)
		}
	}
	remaining, err := strconv.ParseInt(strings.TrimSpace(header("Remaining")), 10, 64)
	spent = err == nil && remaining <= 0
	if spent && reset > 0 {
		c.setBlocked(ctx, c.clock().Add(reset))
	}
	return reset, spent
}

func (c *Client) clearBudget(ctx context.Context) { c.setBlocked(ctx, time.Time{}) }

// setBlocked records until when the budget is spent, zero for not spent.
// The shared budget is a help, not a must: when the cache cannot record
// it, this process still keeps its own.
func (c *Client) setBlocked(ctx context.Context, until time.Time) {
	c.mu.Lock()
	c.blocked = until
	shared := c.shared
	c.mu.Unlock()
	if shared != nil {
		if err := shared.SetRateBudget(ctx, vendor, c.keyHash, until); err != nil {
			slog.Warn("otark: the request budget is kept in this process only", "source", c.cfg.Source, "err", err)
		}
	}
}

// vendor names otark's budgets in the shared store.
const vendor = "otark"

// waitBudget waits until the window resets when the last answer, to this
// process or another with the same key, said the budget is spent.
func (c *Client) waitBudget(ctx context.Context) error {
	c.mu.Lock()
	until := c.blocked
	c.blocked = time.Time{}
	shared := c.shared
	c.mu.Unlock()
	if shared != nil {
		if other, err := shared.RateBudget(ctx, vendor, c.keyHash); err == nil && other.After(until) {
			until = other
		}
	}
	if until.IsZero() {
		return nil
	}
	d := until.Sub(c.clock())
	if d <= 0 {
		return nil
	}
	if d > c.cfg.MaxWait {
		return c.sourceErr(fmt.Errorf("GET %s: %w: the request budget is spent for %v, longer than the %v allowed",
			endpoint, ErrRateLimited, d, c.cfg.MaxWait))
	}
	if err := c.sleep(ctx, d); err != nil {
		return c.sourceErr(fmt.Errorf("GET %s: waiting for the rate-limit window to reset: %w", endpoint, err))
	}
	return nil
}

// decodeEnvelope reads a page. The contracts stay raw, to be mapped one by
// one so that one bad contract does not cost the page.
func decodeEnvelope(body []byte) (*envelope, error) {
	var w struct {
		Contracts  *[]json.RawMessage `json:"contracts"`
		Pagination *struct {
			HasMore    *bool   `json:"has_more"`
			NextCursor *string `json:"next_cursor"`
		} `json:"pagination"`
	}
	if err := json.Unmarshal(body, &w); err != nil {
		if cut := jsonfield.Truncation(body, err); cut != nil {
			return nil, cut
		}
		return nil, fmt.Errorf("unreadable page: %v", err)
	}
	switch {
	case w.Contracts == nil:
		return nil, errors.New("unreadable page: no contracts array")
	case w.Pagination == nil || w.Pagination.HasMore == nil:
		return nil, errors.New("unreadable page: no pagination.has_more")
	}
	env := &envelope{contracts: *w.Contracts, hasMore: *w.Pagination.HasMore}
	if w.Pagination.NextCursor != nil {
		env.nextCursor = strings.TrimSpace(*w.Pagination.NextCursor)
	}
	return env, nil
}

// Problem is an RFC 9457 problem document as otark sends it.
type Problem struct {
	Type   string        `json:"type"`
	Title  string        `json:"title"`
	Status int           `json:"status"`
	Detail string        `json:"detail"`
	Errors []ProblemItem `json:"errors"`
}

// ProblemItem is one entry of a problem's errors[].
type ProblemItem struct {
	Code    string `json:"code"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message,omitempty"`
}

// APIError is an answer otark gave instead of a page. errors.Is matches it
// against ErrUnauthorized (401), ErrForbidden (403) and ErrNotFound (404).
type APIError struct {
	Status  int
	Problem *Problem // nil when the body was no problem document
}

func (e *APIError) Error() string {
	return "GET " + endpoint + ": " + e.text()
}

func (e *APIError) text() string {
	parts := []string{retry.StatusLine(e.Status)}
	if p := e.Problem; p != nil {
		if t := strings.TrimSpace(p.Title); t != "" && !strings.EqualFold(t, http.StatusText(e.Status)) {
			parts = append(parts, t)
		}
		if d := strings.TrimSpace(p.Detail); d != "" {
			parts = append(parts, d)
		}
		var items []string
		for _, it := range p.Errors {
			s := it.Code
			if s == "" {
				s = "error"
			}
			if it.Field != "" {
				s += " (" + it.Field + ")"
			}
			if it.Message != "" {
				s += ": " + strings.TrimSpace(it.Message)
			}
			items = append(items, s)
		}
		if len(items) > 0 {
			parts = append(parts, strings.Join(items, "; "))
		}
	}
	if hint := e.hint(); hint != nil {
		parts = append(parts, hint.Error())
	}
	return strings.Join(parts, ": ")
}

func (e *APIError) hint() error {
	switch e.Status {
	case http.StatusUnauthorized:
		return ErrUnauthorized
	case http.StatusForbidden:
		return ErrForbidden
	case http.StatusNotFound:
		return ErrNotFound
	}
	return nil
}

func (e *APIError) Is(target error) bool {
	h := e.hint()
	return h != nil && h == target
}

func newAPIError(r reply) *APIError {
	e := &APIError{Status: r.status}
	var p Problem
	if err := json.Unmarshal(r.body, &p); err == nil && (p.Title != "" || p.Detail != "" || len(p.Errors) > 0) {
		e.Problem = &p
	}
	return e
}

// apiErrorText describes a non-200 answer for messages about retries.
func apiErrorText(r reply) string { return newAPIError(r).text() }

package otark

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"wattfolio/sync/vendors/internal/jsonfield"
	"wattfolio/sync/vendors/internal/rest"
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

// fetch gets the page after cursor after; the kit waits out rate limits
// (a 429 is a wait, not a failed try, as long as each wait fits MaxWait),
// follows the budget the rate-limit headers announce, and retries
// transient failures.
func (c *Client) fetch(ctx context.Context, after string) (*envelope, error) {
	q := url.Values{}
	for k, v := range c.query {
		q[k] = v
	}
	if after != "" {
		q.Set("after", after)
	}
	var env *envelope
	_, err := c.api.Do(ctx, rest.Request{
		Path: endpoint, Query: q, MaxBody: maxBody,
		Accept:   "application/json, application/problem+json",
		Describe: func(status int, body []byte) string { return newAPIError(status, body).text() },
	}, func(r *rest.Response) error {
		var err error
		env, err = decodeEnvelope(r.Body)
		return err
	})
	var e *rest.Error
	switch {
	case err == nil:
		return env, nil
	case !errors.As(err, &e):
		return nil, c.sourceErr(fmt.Errorf("GET %s: %w", endpoint, err))
	case e.Kind == rest.ErrBadData && e.Err != nil:
		return nil, c.sourceErr(fmt.Errorf("GET %s: %v", endpoint, e.Err))
	case e.Kind == rest.ErrBadData:
		return nil, c.sourceErr(fmt.Errorf("GET %s: %s", endpoint, e.Last))
	case e.Kind == rest.ErrRateLimited && e.Status == 0:
		return nil, c.sourceErr(fmt.Errorf("GET %s: %w: the request budget is spent for %v, longer than the %v allowed",
			endpoint, ErrRateLimited, e.Wait, c.cfg.MaxWait))
	case e.Kind == rest.ErrRateLimited:
		return nil, c.sourceErr(fmt.Errorf("GET %s: %s: %w: it asks to wait %v, longer than the %v allowed",
			endpoint, e.Last, ErrRateLimited, e.Wait, c.cfg.MaxWait))
	case e.Kind == rest.ErrUnavailable && e.Wait > 0:
		return nil, c.sourceErr(fmt.Errorf("GET %s: %w: %s, and it asks to wait %v before trying again", endpoint, ErrUnavailable, e.Last, e.Wait))
	case e.Kind == rest.ErrUnavailable:
		return nil, c.sourceErr(fmt.Errorf("GET %s: %w", endpoint, rest.GaveUp(ErrUnavailable, e.Last, e.Tries)))
	}
	return nil, c.sourceErr(newAPIError(e.Status, e.Body))
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
	parts := []string{rest.StatusLine(e.Status)}
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

// Unwrap leads on to the kit's kind (rest.ErrUnauthorized, ...) through
// the vendor's error value.
func (e *APIError) Unwrap() error { return e.hint() }

func newAPIError(status int, body []byte) *APIError {
	e := &APIError{Status: status}
	var p Problem
	if err := json.Unmarshal(body, &p); err == nil && (p.Title != "" || p.Detail != "" || len(p.Errors) > 0) {
		e.Problem = &p
	}
	return e
}

package prosumer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"wattfolio/app"
	"wattfolio/sync/vendors/internal/jsonfield"
	"wattfolio/sync/vendors/retry"
)

// maxBody bounds one customer's answer; a large portfolio is some hundred kB.
const maxBody = 32 << 20

// maxRetryAfter caps how long a Retry-After header may hold one customer up.
const maxRetryAfter = 5 * time.Second

// outcome is what became of one customer.
type outcome struct {
	items   []mapped         // the contracts, mapped or failed one by one
	failure *app.RecordError // the customer as a whole failed
	down    bool             // failure is the API being down or answering non-JSON, not the data being bad
	fatal   error            // the whole source must stop
}

// reply is one HTTP exchange; err is set when no complete body arrived.
type reply struct {
	status      int
	contentType string
	body        []byte
	retryAfter  time.Duration
	err         error
}

func (c *Client) fetchCustomer(ctx context.Context, id string) outcome {
	fail := func(field string, err error, down bool) outcome {
		return outcome{
			failure: &app.RecordError{Source: c.cfg.Source, Record: "customer " + id, Field: field, Err: err},
			down:    down,
		}
	}
	aborted := func() outcome {
		return outcome{fatal: c.sourceErr(fmt.Errorf("customer %s: %w", id, context.Cause(ctx)))}
	}
	tries := c.cfg.Retries + 1
	var wait time.Duration
	var last string
	for try := range tries {
		if try > 0 && retry.Sleep(ctx, retry.Delay(c.backoff, try, wait)) != nil {
			return aborted()
		}
		r := c.get(ctx, id)
		if ctx.Err() != nil {
			return aborted()
		}
		wait = r.retryAfter
		switch {
		case r.err != nil:
			last = retry.Describe(r.err)
			continue
		case r.status == http.StatusOK:
			body, err := jsonBody(r.contentType, r.body)
			if err != nil {
				return fail("", err, true)
			}
			now := c.cfg.Now()
			m := mapper{source: c.cfg.Source, now: now, fetchedAt: now.UTC().Truncate(time.Second)}
			items, ferr := m.portfolio(body, id)
			if ferr == nil {
				return outcome{items: items}
			}
			if errors.Is(ferr.Err, jsonfield.ErrTruncated) {
				last = ferr.Err.Error()
				continue
			}
			return fail(ferr.Field, ferr.Err, false)
		case r.status == http.StatusUnauthorized:
			return outcome{fatal: c.sourceErr(fmt.Errorf("customer %s: %w", id, ErrUnauthorized))}
		case r.status == http.StatusForbidden:
			return outcome{fatal: c.sourceErr(fmt.Errorf("customer %s: %w", id, ErrForbidden))}
		case r.status == http.StatusNotFound:
			return fail("", fmt.Errorf("%s: %w", retry.StatusLine(r.status), ErrNotFound), false)
		case retry.Retryable(r.status):
			last = retry.StatusLine(r.status)
			continue
		default:
			return fail("", fmt.Errorf("unexpected answer %s", retry.StatusLine(r.status)), false)
		}
	}
	return fail("", retry.GaveUp(ErrUnavailable, last, tries), true)
}

// customerURL is where one customer's contracts are.
func (c *Client) customerURL(id string) string {
	return c.base + "/api/customers/" + url.PathEscape(id) + "/prosumercontracts"
}

func (c *Client) get(ctx context.Context, id string) reply {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.customerURL(id), nil)
	if err != nil {
		return reply{err: err}
	}
	if c.cfg.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.cfg.Token)
	}
	// Without an Accept header ASP.NET may pick XML.
	req.Header.Set("Accept", "application/json, text/json;q=0.9")
	resp, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		return reply{err: err}
	}
	defer resp.Body.Close()

	r := reply{
		status:      resp.StatusCode,
		contentType: resp.Header.Get("Content-Type"),
		retryAfter:  retry.After(resp.Header.Get("Retry-After"), maxRetryAfter),
	}
	if resp.StatusCode != http.StatusOK {
		// Drain a little so the connection can be reused.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return r
	}
	r.body, r.err = io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if r.err == nil && len(r.body) > maxBody {
		r.status, r.body = http.StatusRequestEntityTooLarge, nil
	}
	return r
}

// jsonBody checks the answer is JSON and returns it without a byte order
// mark. The API serves application/json and text/json; its help page shows
// the same JSON labelled text/html, so HTML, and a missing type, are taken
// when the body is a JSON document.
func jsonBody(contentType string, body []byte) ([]byte, error) {
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	mt, params, err := mime.ParseMediaType(contentType)
	if contentType == "" {
		mt, err = "", nil
	}
	if err != nil {
		return nil, fmt.Errorf("%w: unreadable content type %q", ErrContentType, contentType)
	}
	if cs := strings.ToLower(params["charset"]); cs != "" && cs != "utf-8" && cs != "utf8" && cs != "us-ascii" {
		return nil, fmt.Errorf("%w: charset %s is not supported, want utf-8", ErrContentType, cs)
	}
	switch {
	case mt == "application/json" || mt == "text/json" || strings.HasSuffix(mt, "+json"):
		return body, nil
	case mt == "text/html" || mt == "":
		if t := bytes.TrimSpace(body); len(t) > 0 && (t[0] == '{' || t[0] == '[') {
			return body, nil
		}
		label := mt
		if label == "" {
			label = "no content type"
		}
		return nil, fmt.Errorf("%w: got %s that is not a JSON document (a login or proxy page?)", ErrContentType, label)
	}
	return nil, fmt.Errorf("%w: got content type %s, want application/json or text/json", ErrContentType, mt)
}

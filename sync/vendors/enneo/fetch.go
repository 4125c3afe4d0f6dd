package enneo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"wattfolio/app"
	"wattfolio/sync/vendors/internal/jsonfield"
	"wattfolio/sync/vendors/retry"
)

// maxBody bounds one contract payload; a real one is a few kB, and rawData
// from the ERP rarely more than a few hundred.
const maxBody = 8 << 20

// maxRetryAfter caps how long a Retry-After header may hold one contract up.
const maxRetryAfter = 5 * time.Second

// outcome is what became of one contract.
type outcome struct {
	contract  app.Contract
	failure   *app.RecordError
	transient bool  // failure is the vendor being down, not the record being bad
	fatal     error // the whole source must stop
	aborted   bool  // the context ended first
	gone      bool  // failure is a 404: enneo has no such contract (any more)
}

// reply is one HTTP exchange; err is set when no complete body arrived.
type reply struct {
	status     int
	body       []byte
	retryAfter time.Duration
	err        error
}

func (c *Client) fetchOne(ctx context.Context, id string) outcome {
	fail := func(field string, err error, transient bool) outcome {
		return outcome{
			failure:   &app.RecordError{Source: c.cfg.Source, Record: "contract " + id, Field: field, Err: err},
			transient: transient,
		}
	}
	tries := c.cfg.Retries + 1
	var wait time.Duration
	var last string
	for try := range tries {
		if try > 0 && retry.Sleep(ctx, retry.Delay(c.backoff, try, wait)) != nil {
			return outcome{aborted: true}
		}
		r := c.get(ctx, id)
		if ctx.Err() != nil {
			return outcome{aborted: true}
		}
		wait = r.retryAfter
		switch {
		case r.err != nil:
			last = retry.Describe(r.err)
			continue
		case r.status == http.StatusOK:
			ct, ferr := c.mapper.toContract(r.body, id, c.cfg.Now().UTC().Truncate(time.Second))
			if ferr == nil {
				return outcome{contract: ct}
			}
			if errors.Is(ferr.Err, jsonfield.ErrTruncated) {
				last = ferr.Err.Error()
				continue
			}
			return fail(ferr.Field, ferr.Err, false)
		case r.status == http.StatusUnauthorized:
			return outcome{fatal: c.sourceErr(fmt.Errorf("contract %s: %s: %w", id, retry.StatusLine(r.status), ErrUnauthorized))}
		case r.status == http.StatusForbidden:
			return outcome{fatal: c.sourceErr(fmt.Errorf("contract %s: %s: %w", id, retry.StatusLine(r.status), ErrForbidden))}
		case r.status == http.StatusNotFound:
			o := fail("", fmt.Errorf("%s: %w", retry.StatusLine(r.status), ErrNotFound), false)
			o.gone = true
			return o
		case retry.Retryable(r.status):
			last = retry.StatusLine(r.status)
			continue
		default:
			return fail("", fmt.Errorf("unexpected answer %s", retry.StatusLine(r.status)), false)
		}
	}
	return fail("", retry.GaveUp(ErrUnavailable, last, tries), true)
}

// get asks for one contract. Never with refresh=true: that makes enneo call
// the ERP first, which the tenant pays for in load.
func (c *Client) get(ctx context.Context, id string) reply {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet,
		c.base.String()+"/contract/"+url.PathEscape(id)+"?includeRawData=true", nil)
	if err != nil {
		return reply{err: err}
	}
	req.Header.Set("Authorization", "Bearer "+c.cfg.Token)
	req.Header.Set("Accept", "application/json")
	resp, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		return reply{err: err}
	}
	defer resp.Body.Close()

	r := reply{status: resp.StatusCode, retryAfter: retry.After(resp.Header.Get("Retry-After"), maxRetryAfter)}
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

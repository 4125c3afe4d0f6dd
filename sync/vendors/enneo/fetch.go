package enneo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"wattfolio/app"
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
		if try > 0 && !sleep(ctx, max(wait, c.backoff<<(try-1))) {
			return outcome{aborted: true}
		}
		r := c.get(ctx, id)
		if ctx.Err() != nil {
			return outcome{aborted: true}
		}
		wait = r.retryAfter
		switch {
		case r.err != nil:
			last = describeErr(r.err)
			continue
		case r.status == http.StatusOK:
			ct, ferr := c.mapper.toContract(r.body, id, c.cfg.Now().UTC().Truncate(time.Second))
			if ferr == nil {
				return outcome{contract: ct}
			}
			if errors.Is(ferr.Err, errTruncated) {
				last = ferr.Err.Error()
				continue
			}
			return fail(ferr.Field, ferr.Err, false)
		case r.status == http.StatusUnauthorized:
			return outcome{fatal: c.sourceErr(fmt.Errorf("contract %s: %s: %w", id, statusLine(r.status), ErrUnauthorized))}
		case r.status == http.StatusForbidden:
			return outcome{fatal: c.sourceErr(fmt.Errorf("contract %s: %s: %w", id, statusLine(r.status), ErrForbidden))}
		case r.status == http.StatusNotFound:
			return fail("", fmt.Errorf("%s: %w", statusLine(r.status), ErrNotFound), false)
		case retryable(r.status):
			last = statusLine(r.status)
			continue
		default:
			return fail("", fmt.Errorf("unexpected answer %s", statusLine(r.status)), false)
		}
	}
	return fail("", fmt.Errorf("%w: %s (%s)", ErrUnavailable, last, plural(tries, "try", "tries")), true)
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

	r := reply{status: resp.StatusCode, retryAfter: retryAfter(resp.Header.Get("Retry-After"))}
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

func retryable(status int) bool {
	return status >= 500 || status == http.StatusRequestTimeout ||
		status == http.StatusTooEarly || status == http.StatusTooManyRequests
}

func statusLine(status int) string {
	return strconv.Itoa(status) + " " + http.StatusText(status)
}

// retryAfter reads the seconds form; the date form is rare enough to ignore.
func retryAfter(h string) time.Duration {
	n, err := strconv.Atoi(h)
	if err != nil || n < 0 {
		return 0
	}
	return min(time.Duration(n)*time.Second, maxRetryAfter)
}

// describeErr says what went wrong on the wire without the request URL,
// which adds nothing the record name does not already say.
func describeErr(err error) string {
	var ne net.Error
	var ue *url.Error
	switch {
	case errors.As(err, &ne) && ne.Timeout():
		return "request timed out"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "response body cut off"
	case errors.As(err, &ue):
		return ue.Err.Error()
	}
	return err.Error()
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

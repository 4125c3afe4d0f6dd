package podero

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"wattfolio/app"
	"wattfolio/sync/vendors/internal/jsonfield"
	"wattfolio/sync/vendors/retry"
)

// maxBody bounds one page of contracts. A spot contract carries a few
// dozen hourly prices; even a year of them is well under a megabyte.
const maxBody = 16 << 20

// maxPages bounds the next links followed for one user.
const maxPages = 1000

// maxRetryAfter caps how long a Retry-After header may hold one request up.
const maxRetryAfter = 5 * time.Second

// outcome is what became of one user.
type outcome struct {
	contracts []app.Contract
	failures  []*app.RecordError
	transient bool  // the user failed because the vendor is unwell, not the data bad
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

// fetchUser gathers all of a user's contracts, following next links, and
// maps them one by one.
func (c *Client) fetchUser(ctx context.Context, userID string) outcome {
	record := "user " + userID
	fail := func(err error, transient bool) outcome {
		return outcome{
			failures:  []*app.RecordError{{Source: c.cfg.Source, Record: record, Err: err}},
			transient: transient,
		}
	}
	first, err := url.Parse(c.base.String() + "/api/partners/v2.0/org/" + url.PathEscape(c.cfg.OrgID) +
		"/users/" + url.PathEscape(userID) + "/energy-contracts")
	if err != nil {
		return fail(err, false)
	}
	var items []json.RawMessage
	seen := map[string]bool{}
	for cur := first; cur != nil; {
		if len(seen) == maxPages {
			return fail(fmt.Errorf("more than %d pages of contracts", maxPages), false)
		}
		seen[cur.String()] = true
		var lp listPage
		if o, ok := c.fetchDoc(ctx, userID, cur.String(), func(body []byte) error {
			var err error
			lp, err = decodeList(body)
			return err
		}); !ok {
			return o
		}
		items = append(items, lp.items...)
		if lp.next == "" {
			break
		}
		next, err := c.follow(cur, lp.next)
		if err != nil {
			return fail(err, false)
		}
		if seen[next.String()] {
			return fail(fmt.Errorf("next link %s leads back to a page already read", next), false)
		}
		cur = next
	}
	fetchedAt := c.cfg.Now().UTC().Truncate(time.Second)
	var o outcome
	for i, item := range items {
		ct, id, ferr := c.mapper.toContract(item, userID, fetchedAt)
		if ferr != nil {
			rec := "contract " + id
			if id == "" {
				rec = fmt.Sprintf("user %s contract #%d", userID, i+1)
			}
			o.failures = append(o.failures, &app.RecordError{Source: c.cfg.Source, Record: rec, Field: ferr.Field, Err: ferr.Err})
			continue
		}
		o.contracts = append(o.contracts, ct)
	}
	return o
}

// follow resolves a next link. It must stay on the API's scheme and host:
// the bearer token goes with it.
func (c *Client) follow(cur *url.URL, link string) (*url.URL, error) {
	u, err := cur.Parse(link)
	if err != nil {
		return nil, fmt.Errorf("next link %q: %v", link, err)
	}
	if u.Scheme != c.base.Scheme || u.Host != c.base.Host {
		return nil, fmt.Errorf("next link %s leaves %s://%s; not followed with the access token", u.Redacted(), c.base.Scheme, c.base.Host)
	}
	u.Fragment = ""
	return u, nil
}

// fetchDoc GETs one document and hands a 200 body to parse, retrying what
// may pass: 429, 5xx, timeouts, cut-off bodies (also ones parse reports as
// errTruncated). A 401 renews the token once. ok is false when the user's
// outcome is settled by a failure, returned as o.
func (c *Client) fetchDoc(ctx context.Context, userID, u string, parse func([]byte) error) (o outcome, ok bool) {
	fail := func(err error, transient bool) (outcome, bool) {
		return outcome{
			failures:  []*app.RecordError{{Source: c.cfg.Source, Record: "user " + userID, Err: err}},
			transient: transient,
		}, false
	}
	fatal := func(err error) (outcome, bool) {
		if ctx.Err() != nil {
			return outcome{aborted: true}, false
		}
		return outcome{fatal: err}, false
	}
	tries := c.cfg.Retries + 1
	var wait time.Duration
	var last string
	renewed := false
	for try := 0; try < tries; {
		tok, fresh, err := c.tokens.get(ctx)
		if err != nil {
			return fatal(err)
		}
		r := c.get(ctx, u, tok)
		if ctx.Err() != nil {
			return outcome{aborted: true}, false
		}
		again := false
		switch {
		case r.err != nil:
			last, again = retry.Describe(r.err), true
		case r.status == http.StatusOK:
			err := parse(r.body)
			if err == nil {
				return outcome{}, true
			}
			if !errors.Is(err, jsonfield.ErrTruncated) {
				return fail(err, false)
			}
			last, again = err.Error(), true
		case r.status == http.StatusUnauthorized:
			if fresh || renewed {
				return fatal(c.sourceErr(fmt.Errorf("user %s: %s: %w", userID, retry.StatusLine(r.status), ErrUnauthorized)))
			}
			// The token expired early or was revoked: fetch a new one
			// and ask again, without counting a try.
			c.tokens.drop(tok)
			renewed = true
			continue
		case r.status == http.StatusForbidden:
			return fatal(c.sourceErr(fmt.Errorf("user %s: %s: %w", userID, retry.StatusLine(r.status), ErrForbidden)))
		case r.status == http.StatusNotFound:
			return fail(fmt.Errorf("%s: %w", retry.StatusLine(r.status), ErrNotFound), false)
		case retry.Retryable(r.status):
			last, again = retry.StatusLine(r.status), true
		default:
			return fail(fmt.Errorf("unexpected answer %s", retry.StatusLine(r.status)), false)
		}
		if !again {
			continue
		}
		try++
		wait = r.retryAfter
		if try < tries && retry.Sleep(ctx, retry.Delay(c.cfg.Backoff, try, wait)) != nil {
			return outcome{aborted: true}, false
		}
	}
	return fail(retry.GaveUp(ErrUnavailable, last, tries), true)
}

func (c *Client) get(ctx context.Context, u, token string) reply {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return reply{err: err}
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	return do(c.cfg.HTTPClient, req, maxBody, false)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

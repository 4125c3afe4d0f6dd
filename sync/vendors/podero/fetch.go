package podero

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"wattfolio/app"
	"wattfolio/sync/vendors/internal/rest"
)

// maxBody bounds one page of contracts. A spot contract carries a few
// dozen hourly prices; even a year of them is well under a megabyte.
const maxBody = 16 << 20

// maxPages bounds the next links followed for one user.
const maxPages = 1000

// outcome is what became of one user.
type outcome struct {
	contracts []app.Contract
	failures  []*app.RecordError
	transient bool  // the user failed because the vendor is unwell, not the data bad
	fatal     error // the whole source must stop
	aborted   bool  // the context ended first
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
	first, err := url.Parse(c.api.Base.String() + "/api/partners/v2.0/org/" + url.PathEscape(c.cfg.OrgID) +
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
	if u.Scheme != c.api.Base.Scheme || u.Host != c.api.Base.Host {
		return nil, fmt.Errorf("next link %s leaves %s://%s; not followed with the access token", u.Redacted(), c.api.Base.Scheme, c.api.Base.Host)
	}
	u.Fragment = ""
	return u, nil
}

// fetchDoc GETs one document and hands a 200 body to parse; the kit
// retries what may pass (also bodies parse reports as cut off) and renews
// the token once after a 401. ok is false when the user's outcome is
// settled by a failure, returned as o.
func (c *Client) fetchDoc(ctx context.Context, userID, u string, parse func([]byte) error) (o outcome, ok bool) {
	fail := func(err error, transient bool) (outcome, bool) {
		return outcome{
			failures:  []*app.RecordError{{Source: c.cfg.Source, Record: "user " + userID, Err: err}},
			transient: transient,
		}, false
	}
	_, err := c.api.Do(ctx, rest.Request{URL: u, MaxBody: maxBody}, func(r *rest.Response) error {
		return parse(bytes.TrimSpace(r.Body))
	})
	var e *rest.Error
	switch {
	case err == nil:
		return outcome{}, true
	case ctx.Err() != nil:
		return outcome{aborted: true}, false
	case !errors.As(err, &e):
		return outcome{fatal: err}, false // the token endpoint failed
	case e.Kind == rest.ErrBadData && e.Err != nil:
		return fail(e.Err, false)
	case e.Status == http.StatusUnauthorized:
		return outcome{fatal: c.sourceErr(fmt.Errorf("user %s: %s: %w", userID, rest.StatusLine(e.Status), ErrUnauthorized))}, false
	case e.Status == http.StatusForbidden:
		return outcome{fatal: c.sourceErr(fmt.Errorf("user %s: %s: %w", userID, rest.StatusLine(e.Status), ErrForbidden))}, false
	case e.Kind == rest.ErrNotFound:
		return fail(fmt.Errorf("%s: %w", rest.StatusLine(e.Status), ErrNotFound), false)
	case e.Kind == rest.ErrUnavailable:
		return fail(rest.GaveUp(ErrUnavailable, e.Last, e.Tries), true)
	}
	return fail(fmt.Errorf("unexpected answer %s", e.Last), false)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

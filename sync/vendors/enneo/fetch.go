package enneo

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"wattfolio/app"
	"wattfolio/sync/vendors/internal/jsonfield"
	"wattfolio/sync/vendors/internal/rest"
)

// maxBody bounds one contract payload; a real one is a few kB, and rawData
// from the ERP rarely more than a few hundred.
const maxBody = 8 << 20

// outcome is what became of one contract.
type outcome struct {
	contract  app.Contract
	failure   *app.RecordError
	transient bool  // failure is the vendor being down, not the record being bad
	fatal     error // the whole source must stop
	aborted   bool  // the context ended first
	gone      bool  // failure is a 404: enneo has no such contract (any more)
}

func (c *Client) fetchOne(ctx context.Context, id string) outcome {
	fail := func(field string, err error, transient bool) outcome {
		return outcome{
			failure:   &app.RecordError{Source: c.cfg.Source, Record: "contract " + id, Field: field, Err: err},
			transient: transient,
		}
	}
	var ct app.Contract
	// Never with refresh=true: that makes enneo call the ERP first, which
	// the tenant pays for in load.
	_, err := c.api.Do(ctx, rest.Request{
		Path:    "/contract/" + url.PathEscape(id),
		Query:   url.Values{"includeRawData": {"true"}},
		MaxBody: maxBody,
	}, func(r *rest.Response) error {
		var ferr *jsonfield.Error
		ct, ferr = c.mapper.toContract(r.Body, id, c.cfg.Now().UTC().Truncate(time.Second))
		if ferr != nil {
			return ferr
		}
		return nil
	})
	var e *rest.Error
	switch {
	case err == nil:
		return outcome{contract: ct}
	case ctx.Err() != nil || !errors.As(err, &e):
		return outcome{aborted: true}
	case e.Kind == rest.ErrBadData:
		var ferr *jsonfield.Error
		if errors.As(e.Err, &ferr) {
			return fail(ferr.Field, ferr.Err, false)
		}
		return fail("", fmt.Errorf("unexpected answer: %s", e.Last), false)
	case e.Status == http.StatusUnauthorized:
		return outcome{fatal: c.sourceErr(fmt.Errorf("contract %s: %s: %w", id, rest.StatusLine(e.Status), ErrUnauthorized))}
	case e.Status == http.StatusForbidden:
		return outcome{fatal: c.sourceErr(fmt.Errorf("contract %s: %s: %w", id, rest.StatusLine(e.Status), ErrForbidden))}
	case e.Kind == rest.ErrNotFound:
		o := fail("", fmt.Errorf("%s: %w", rest.StatusLine(e.Status), ErrNotFound), false)
		o.gone = true
		return o
	case e.Kind == rest.ErrUnavailable:
		return fail("", rest.GaveUp(ErrUnavailable, e.Last, e.Tries), true)
	}
	return fail("", fmt.Errorf("unexpected answer %s", rest.StatusLine(e.Status)), false)
}

package prosumer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"wattfolio/app"
	"wattfolio/sync/vendors/internal/jsonfield"
	"wattfolio/sync/vendors/internal/rest"
)

// maxBody bounds one customer's answer; a large portfolio is some hundred kB.
const maxBody = 32 << 20

// outcome is what became of one customer.
type outcome struct {
	items   []mapped         // the contracts, mapped or failed one by one
	failure *app.RecordError // the customer as a whole failed
	down    bool             // failure is the API being down or answering non-JSON, not the data being bad
	fatal   error            // the whole source must stop
}

func (c *Client) fetchCustomer(ctx context.Context, id string) outcome {
	fail := func(field string, err error, down bool) outcome {
		return outcome{
			failure: &app.RecordError{Source: c.cfg.Source, Record: "customer " + id, Field: field, Err: err},
			down:    down,
		}
	}
	var items []mapped
	_, err := c.api.Do(ctx, rest.Request{
		Path: "/api/customers/" + url.PathEscape(id) + "/prosumercontracts",
		// Without an Accept header ASP.NET may pick XML.
		Accept:  "application/json, text/json;q=0.9",
		MaxBody: maxBody,
	}, func(r *rest.Response) error {
		body, err := jsonBody(r.Header.Get("Content-Type"), r.Body)
		if err != nil {
			return err
		}
		now := c.cfg.Now()
		m := mapper{source: c.cfg.Source, now: now, fetchedAt: now.UTC().Truncate(time.Second)}
		var ferr *jsonfield.Error
		if items, ferr = m.portfolio(body, id); ferr != nil {
			return ferr
		}
		return nil
	})
	var e *rest.Error
	var ferr *jsonfield.Error
	switch {
	case err == nil:
		return outcome{items: items}
	case ctx.Err() != nil || !errors.As(err, &e):
		return outcome{fatal: c.sourceErr(fmt.Errorf("customer %s: %w", id, context.Cause(ctx)))}
	case errors.Is(e.Err, ErrContentType):
		return fail("", e.Err, true)
	case errors.As(e.Err, &ferr):
		return fail(ferr.Field, ferr.Err, false)
	case e.Status == http.StatusUnauthorized:
		return outcome{fatal: c.sourceErr(fmt.Errorf("customer %s: %w", id, ErrUnauthorized))}
	case e.Status == http.StatusForbidden:
		return outcome{fatal: c.sourceErr(fmt.Errorf("customer %s: %w", id, ErrForbidden))}
	case e.Kind == rest.ErrNotFound:
		return fail("", fmt.Errorf("%s: %w", rest.StatusLine(e.Status), ErrNotFound), false)
	case e.Kind == rest.ErrUnavailable:
		return fail("", rest.GaveUp(ErrUnavailable, e.Last, e.Tries), true)
	case e.Kind == rest.ErrBadData:
		return fail("", fmt.Errorf("unexpected answer: %s", e.Last), false)
	}
	return fail("", fmt.Errorf("unexpected answer %s", rest.StatusLine(e.Status)), false)
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

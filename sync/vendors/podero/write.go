package podero

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"wattfolio/app"
	"wattfolio/app/outbox"
	"wattfolio/sync/vendors/internal/jsonfield"
	"wattfolio/sync/vendors/retry"
)

// maxErrorMessage bounds the vendor's message quoted in a rejection.
const maxErrorMessage = 500

// GetContract reads one contract of userID as the vendor holds it now.
func (c *Client) GetContract(ctx context.Context, userID, contractID string) (app.Contract, error) {
	return c.exchange(ctx, http.MethodGet, userID, contractID, nil)
}

// PutContract writes fields (an outbox.Change's values: "" is null) to one
// contract of userID and returns the contract the vendor stored. A 400, 404
// or 409 is an *outbox.RejectedError quoting the vendor; 429, 5xx and
// timeouts are retried (a repeated PUT is harmless) and then wrap
// ErrUnavailable.
func (c *Client) PutContract(ctx context.Context, userID, contractID string, fields map[string]string) (app.Contract, error) {
	body, err := outbox.PoderoBody(fields)
	if err != nil {
		return app.Contract{}, err
	}
	return c.exchange(ctx, http.MethodPut, userID, contractID, body)
}

func (c *Client) exchange(ctx context.Context, method, userID, contractID string, body []byte) (app.Contract, error) {
	u := c.base.String() + "/api/partners/v2.0/org/" + url.PathEscape(c.cfg.OrgID) +
		"/users/" + url.PathEscape(userID) + "/energy-contracts/" + url.PathEscape(contractID)
	what := fmt.Sprintf("contract %s of user %s", contractID, userID)
	tries := c.cfg.Retries + 1
	var last string
	renewed := false
	for try := 0; try < tries; {
		tok, fresh, err := c.tokens.get(ctx)
		if err != nil {
			return app.Contract{}, err
		}
		req, err := http.NewRequestWithContext(ctx, method, u, bytesOrNil(body))
		if err != nil {
			return app.Contract{}, c.sourceErr(err)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Accept", "application/json")
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		r := do(c.cfg.HTTPClient, req, maxBody, true)
		if err := ctx.Err(); err != nil {
			return app.Contract{}, err
		}
		switch {
		case r.err != nil:
			last = retry.Describe(r.err)
		case r.status == http.StatusOK:
			ct, _, ferr := c.mapper.toContract(r.body, userID, c.cfg.Now().UTC().Truncate(time.Second))
			if ferr == nil {
				return ct, nil
			}
			if !errors.Is(ferr.Err, jsonfield.ErrTruncated) {
				return app.Contract{}, c.sourceErr(fmt.Errorf("%s: %v", what, ferr))
			}
			last = ferr.Error()
		case r.status == http.StatusUnauthorized:
			if fresh || renewed {
				return app.Contract{}, c.sourceErr(fmt.Errorf("%s: %s: %w", what, retry.StatusLine(r.status), ErrUnauthorized))
			}
			c.tokens.drop(tok)
			renewed = true
			continue
		case r.status == http.StatusForbidden:
			return app.Contract{}, c.sourceErr(fmt.Errorf("%s: %s: %w", what, retry.StatusLine(r.status), ErrForbidden))
		case r.status == http.StatusBadRequest, r.status == http.StatusNotFound, r.status == http.StatusConflict:
			return app.Contract{}, &outbox.RejectedError{Status: r.status, Message: VendorMessage(r.body)}
		case retry.Retryable(r.status):
			last = retry.StatusLine(r.status)
		default:
			return app.Contract{}, c.sourceErr(fmt.Errorf("%s: unexpected answer %s", what, retry.StatusLine(r.status)))
		}
		try++
		if try < tries && retry.Sleep(ctx, retry.Delay(c.cfg.Backoff, try, r.retryAfter)) != nil {
			return app.Contract{}, ctx.Err()
		}
	}
	return app.Contract{}, c.sourceErr(fmt.Errorf("%s: %w", what, retry.GaveUp(ErrUnavailable, last, tries)))
}

func bytesOrNil(b []byte) io.Reader {
	if b == nil {
		return nil
	}
	return bytes.NewReader(b)
}

// VendorMessage renders a Django REST framework error body for a person:
// {"detail": "..."} as its text, errors by field as "field: message; ...".
// Anything else is quoted as it came, cut short.
func VendorMessage(body []byte) string {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil || len(m) == 0 {
		return clip(strings.TrimSpace(string(body)))
	}
	var detail string
	if json.Unmarshal(m["detail"], &detail) == nil && detail != "" && len(m) == 1 {
		return clip(detail)
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		var msgs []string
		var one string
		switch {
		case json.Unmarshal(m[k], &msgs) == nil:
			parts = append(parts, k+": "+strings.Join(msgs, " "))
		case json.Unmarshal(m[k], &one) == nil:
			parts = append(parts, k+": "+one)
		default:
			parts = append(parts, k+": "+string(m[k]))
		}
	}
	return clip(strings.Join(parts, "; "))
}

func clip(s string) string {
	if s == "" {
		return "(no message)"
	}
	return app.Clip(s, maxErrorMessage)
}

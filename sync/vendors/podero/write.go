package podero

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"wattfolio/app"
	"wattfolio/app/outbox"
	"wattfolio/sync/vendors/internal/jsonfield"
	"wattfolio/sync/vendors/internal/rest"
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
	what := fmt.Sprintf("contract %s of user %s", contractID, userID)
	var ct app.Contract
	_, err := c.api.Do(ctx, rest.Request{
		Method: method,
		Path: "/api/partners/v2.0/org/" + url.PathEscape(c.cfg.OrgID) +
			"/users/" + url.PathEscape(userID) + "/energy-contracts/" + url.PathEscape(contractID),
		Body: body, MaxBody: maxBody,
	}, func(r *rest.Response) error {
		var ferr *jsonfield.Error
		if ct, _, ferr = c.mapper.toContract(bytes.TrimSpace(r.Body), userID, c.cfg.Now().UTC().Truncate(time.Second)); ferr != nil {
			return ferr
		}
		return nil
	})
	var e *rest.Error
	switch {
	case err == nil:
		return ct, nil
	case ctx.Err() != nil:
		return app.Contract{}, ctx.Err()
	case !errors.As(err, &e):
		return app.Contract{}, err // the token endpoint failed
	case e.Kind == rest.ErrBadData && e.Err != nil:
		return app.Contract{}, c.sourceErr(fmt.Errorf("%s: %v", what, e.Err))
	case e.Status == http.StatusUnauthorized:
		return app.Contract{}, c.sourceErr(fmt.Errorf("%s: %s: %w", what, rest.StatusLine(e.Status), ErrUnauthorized))
	case e.Status == http.StatusForbidden:
		return app.Contract{}, c.sourceErr(fmt.Errorf("%s: %s: %w", what, rest.StatusLine(e.Status), ErrForbidden))
	case e.Status == http.StatusBadRequest, e.Status == http.StatusNotFound, e.Status == http.StatusConflict:
		return app.Contract{}, &outbox.RejectedError{Status: e.Status, Message: VendorMessage(bytes.TrimSpace(e.Body))}
	case e.Kind == rest.ErrUnavailable:
		return app.Contract{}, c.sourceErr(fmt.Errorf("%s: %w", what, rest.GaveUp(ErrUnavailable, e.Last, e.Tries)))
	}
	return app.Contract{}, c.sourceErr(fmt.Errorf("%s: unexpected answer %s", what, e.Last))
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

package podero

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"wattfolio/app"
	"wattfolio/sync/vendors/internal/jsonfield"
	"wattfolio/sync/vendors/retry"
)

// DefaultTokenLifetime is the access token lifetime Podero documents, used
// when the token endpoint does not say.
const DefaultTokenLifetime = 36000 * time.Second

// maxTokenBody bounds a token endpoint answer; a real one is ~150 bytes.
const maxTokenBody = 64 << 10

// tokenSource fetches and caches the access token. The token is renewed
// shortly before it expires by the configured clock, or when the API
// rejects it. At most one fetch runs at a time; callers waiting for it get
// its token. Neither the secret nor a token ever appears in an error.
type tokenSource struct {
	c    *Client
	url  string
	lock chan struct{} // held while a token is being fetched

	mu      sync.Mutex
	token   string
	renewAt time.Time
	gen     int   // fetches finished
	lastErr error // the last fetch's failure, for callers that waited on it
}

// get returns a valid token; fresh says it was fetched for this call.
// Callers that waited while a fetch failed get that fetch's error rather
// than asking the token endpoint all over again.
func (ts *tokenSource) get(ctx context.Context) (tok string, fresh bool, err error) {
	if tok := ts.cached(); tok != "" {
		return tok, false, nil
	}
	ts.mu.Lock()
	gen := ts.gen
	ts.mu.Unlock()
	select {
	case ts.lock <- struct{}{}:
	case <-ctx.Done():
		return "", false, ctx.Err()
	}
	defer func() { <-ts.lock }()
	if tok := ts.cached(); tok != "" {
		return tok, false, nil // another caller fetched it meanwhile
	}
	ts.mu.Lock()
	if ts.gen != gen && ts.lastErr != nil {
		err := ts.lastErr
		ts.mu.Unlock()
		return "", false, err
	}
	ts.mu.Unlock()

	issued := ts.c.cfg.Now()
	tok, lifetime, err := ts.fetch(ctx)
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.gen++
	ts.lastErr = nil
	if err != nil {
		if ctx.Err() == nil {
			ts.lastErr = err
		}
		return "", false, err
	}
	margin := min(time.Minute, lifetime/10)
	ts.token, ts.renewAt = tok, issued.Add(lifetime-margin)
	return tok, true, nil
}

func (ts *tokenSource) cached() string {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.token != "" && ts.c.cfg.Now().Before(ts.renewAt) {
		return ts.token
	}
	return ""
}

// drop forgets tok after the API rejected it, unless it was replaced already.
func (ts *tokenSource) drop(tok string) {
	ts.mu.Lock()
	if ts.token == tok {
		ts.token = ""
	}
	ts.mu.Unlock()
}

// fetch asks the token endpoint for a token, retrying what may pass. A
// failure is a whole-source error; ctx ending returns ctx.Err().
func (ts *tokenSource) fetch(ctx context.Context) (string, time.Duration, error) {
	c := ts.c
	tries := c.cfg.Retries + 1
	var wait time.Duration
	var last string
	for try := range tries {
		if try > 0 && retry.Sleep(ctx, retry.Delay(c.cfg.Backoff, try, wait)) != nil {
			return "", 0, ctx.Err()
		}
		r := ts.post(ctx)
		if err := ctx.Err(); err != nil {
			return "", 0, err
		}
		wait = r.retryAfter
		switch {
		case r.err != nil:
			last = retry.Describe(r.err)
		case r.status == http.StatusOK:
			tok, lifetime, err := parseToken(r.body)
			if errors.Is(err, jsonfield.ErrTruncated) {
				last = err.Error()
				continue
			}
			if err != nil {
				return "", 0, c.sourceErr(fmt.Errorf("%w: %v", ErrTokenEndpoint, err))
			}
			return tok, lifetime, nil
		case r.status == http.StatusBadRequest || r.status == http.StatusUnauthorized:
			code := oauthCode(r.body)
			if r.status == http.StatusUnauthorized || code == "invalid_client" {
				return "", 0, c.sourceErr(fmt.Errorf("token endpoint answered %s: %w", retry.StatusLine(r.status), ErrInvalidClient))
			}
			if code != "" {
				code = " (" + code + ")"
			}
			return "", 0, c.sourceErr(fmt.Errorf("%w: token endpoint answered %s%s", ErrTokenEndpoint, retry.StatusLine(r.status), code))
		case retry.Retryable(r.status):
			last = retry.StatusLine(r.status)
		default:
			return "", 0, c.sourceErr(fmt.Errorf("%w: %s answered %s (check token_url)", ErrTokenEndpoint, ts.url, retry.StatusLine(r.status)))
		}
	}
	return "", 0, c.sourceErr(retry.GaveUp(ErrUnavailable, "token endpoint: "+last, tries))
}

// post is one client-credentials request: the client authenticates with
// HTTP Basic, id and secret form-urlencoded first (RFC 6749 §2.3.1).
func (ts *tokenSource) post(ctx context.Context) reply {
	form := url.Values{"grant_type": {"client_credentials"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ts.url, strings.NewReader(form.Encode()))
	if err != nil {
		return reply{err: err}
	}
	req.SetBasicAuth(url.QueryEscape(ts.c.cfg.ClientID), url.QueryEscape(ts.c.cfg.ClientSecret))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	return do(ts.c.cfg.HTTPClient, req, maxTokenBody, true)
}

// parseToken reads {access_token, token_type, expires_in}. Unknown fields
// are ignored; errors never quote the token.
func parseToken(body []byte) (string, time.Duration, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		if jsonfield.Truncation(body, err) != nil {
			return "", 0, jsonfield.ErrTruncated
		}
		return "", 0, errors.New("the answer is not a JSON object")
	}
	var tok string
	if raw := m["access_token"]; jsonfield.IsNull(raw) || json.Unmarshal(raw, &tok) != nil || tok == "" {
		return "", 0, errors.New("the answer has no access_token string")
	}
	for _, r := range tok {
		if r <= ' ' || r >= 0x7f {
			return "", 0, errors.New("the access_token is not a valid bearer token")
		}
	}
	if raw := m["token_type"]; !jsonfield.IsNull(raw) {
		var typ string
		if json.Unmarshal(raw, &typ) != nil || !strings.EqualFold(typ, "bearer") {
			return "", 0, fmt.Errorf("token_type %s: want Bearer", jsonfield.Describe(raw))
		}
	}
	lifetime := DefaultTokenLifetime
	if raw := m["expires_in"]; !jsonfield.IsNull(raw) {
		lit := string(raw)
		if raw[0] == '"' {
			_ = json.Unmarshal(raw, &lit)
		}
		d, err := app.ParseDecimal(strings.TrimSpace(lit))
		if err != nil {
			return "", 0, fmt.Errorf("expires_in %s: want seconds", jsonfield.Describe(raw))
		}
		secs, _ := d.Units()
		lifetime = max(0, time.Duration(min(secs, 10*365*86400))*time.Second)
	}
	return tok, lifetime, nil
}

// oauthCode is the "error" of an RFC 6749 §5.2 answer when it is a plain
// code; anything else (or a description) is left out of messages.
func oauthCode(body []byte) string {
	var e struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(body, &e) != nil || len(e.Error) > 40 {
		return ""
	}
	for _, r := range e.Error {
		if (r < 'a' || r > 'z') && r != '_' {
			return ""
		}
	}
	return e.Error
}

// do sends req and reads the answer: the whole body for 2xx, and for other
// statuses too when keepErrBody is set, up to limit bytes.
func do(hc *http.Client, req *http.Request, limit int64, keepErrBody bool) reply {
	resp, err := hc.Do(req)
	if err != nil {
		return reply{err: err}
	}
	defer resp.Body.Close()
	r := reply{status: resp.StatusCode, retryAfter: retry.After(resp.Header.Get("Retry-After"), maxRetryAfter)}
	if resp.StatusCode != http.StatusOK && !keepErrBody {
		// Drain a little so the connection can be reused.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return r
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	switch {
	case err != nil && resp.StatusCode == http.StatusOK:
		r.err = err
	case int64(len(body)) > limit:
		if resp.StatusCode == http.StatusOK {
			r.status = http.StatusRequestEntityTooLarge
		}
	default:
		r.body = bytes.TrimSpace(body)
	}
	return r
}

package rest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"wattfolio/app"
	"wattfolio/sync/vendors/internal/jsonfield"
)

// Auth puts credentials on a request. renew, when not nil, forgets them
// after the API rejected them (401), so that the next try gets new ones; it
// is nil for credentials that cannot be renewed or were just fetched.
type Auth interface {
	Authorize(ctx context.Context, req *http.Request) (renew func(), err error)
}

// Bearer sends token as Authorization: Bearer; an empty token sends nothing.
type Bearer string

func (b Bearer) Authorize(_ context.Context, req *http.Request) (func(), error) {
	if b != "" {
		req.Header.Set("Authorization", "Bearer "+string(b))
	}
	return nil, nil
}

// APIKey sends Key in the header Header, e.g. X-Api-Key.
type APIKey struct{ Header, Key string }

func (k APIKey) Authorize(_ context.Context, req *http.Request) (func(), error) {
	req.Header.Set(k.Header, k.Key)
	return nil, nil
}

// basic is HTTP Basic with id and secret form-urlencoded first, as a
// client authenticates at an OAuth token endpoint (RFC 6749 §2.3.1).
type basic struct{ id, secret string }

func (b basic) Authorize(_ context.Context, req *http.Request) (func(), error) {
	req.SetBasicAuth(url.QueryEscape(b.id), url.QueryEscape(b.secret))
	return nil, nil
}

// ClientCredentials is OAuth 2.0's client credentials grant: it fetches an
// access token from TokenURL, caches it until shortly before it expires (by
// Now), and fetches a new one when the API rejects it. At most one fetch
// runs at a time; callers waiting for it get its token, or its error rather
// than asking the token endpoint all over again. Neither the secret nor a
// token ever appears in an error.
type ClientCredentials struct {
	TokenURL         string
	ClientID, Secret string
	// Client sends the token requests (its policy, clock and HTTP client).
	Client *Client
	// DefaultLifetime is used when the endpoint does not say expires_in.
	DefaultLifetime time.Duration
	Now             func() time.Time // default Client's clock
	// The vendor's words for what can go wrong: credentials rejected (401,
	// or invalid_client), an endpoint answering wrongly, or not at all;
	// Wrap adds the source to each.
	ErrInvalidClient, ErrEndpoint, ErrUnavailable error
	Wrap                                          func(error) error

	once sync.Once
	lock chan struct{} // held while a token is being fetched

	mu      sync.Mutex
	token   string
	renewAt time.Time
	gen     int   // fetches finished
	lastErr error // the last fetch's failure, for callers that waited on it
}

func (cc *ClientCredentials) Authorize(ctx context.Context, req *http.Request) (func(), error) {
	tok, fresh, err := cc.get(ctx)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	if fresh {
		return nil, nil
	}
	return func() { cc.drop(tok) }, nil
}

func (cc *ClientCredentials) now() time.Time {
	if cc.Now != nil {
		return cc.Now()
	}
	return cc.Client.now()
}

// get returns a valid token; fresh says it was fetched for this call.
func (cc *ClientCredentials) get(ctx context.Context) (tok string, fresh bool, err error) {
	cc.once.Do(func() { cc.lock = make(chan struct{}, 1) })
	if tok := cc.cached(); tok != "" {
		return tok, false, nil
	}
	cc.mu.Lock()
	gen := cc.gen
	cc.mu.Unlock()
	select {
	case cc.lock <- struct{}{}:
	case <-ctx.Done():
		return "", false, ctx.Err()
	}
	defer func() { <-cc.lock }()
	if tok := cc.cached(); tok != "" {
		return tok, false, nil // another caller fetched it meanwhile
	}
	cc.mu.Lock()
	if cc.gen != gen && cc.lastErr != nil {
		err := cc.lastErr
		cc.mu.Unlock()
		return "", false, err
	}
	cc.mu.Unlock()

	issued := cc.now()
	tok, lifetime, err := cc.fetch(ctx)
	cc.mu.Lock()
	defer cc.mu.Unlock()
	cc.gen++
	cc.lastErr = nil
	if err != nil {
		if ctx.Err() == nil {
			cc.lastErr = err
		}
		return "", false, err
	}
	margin := min(time.Minute, lifetime/10)
	cc.token, cc.renewAt = tok, issued.Add(lifetime-margin)
	return tok, true, nil
}

func (cc *ClientCredentials) cached() string {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if cc.token != "" && cc.now().Before(cc.renewAt) {
		return cc.token
	}
	return ""
}

// drop forgets tok after the API rejected it, unless it was replaced already.
func (cc *ClientCredentials) drop(tok string) {
	cc.mu.Lock()
	if cc.token == tok {
		cc.token = ""
	}
	cc.mu.Unlock()
}

// fetch asks the token endpoint for a token, retrying what may pass. A
// failure is a whole-source error; ctx ending returns ctx.Err().
func (cc *ClientCredentials) fetch(ctx context.Context) (string, time.Duration, error) {
	var tok string
	var lifetime time.Duration
	form := url.Values{"grant_type": {"client_credentials"}}
	_, err := cc.Client.Do(ctx, Request{
		Method: http.MethodPost, URL: cc.TokenURL,
		Body: []byte(form.Encode()), ContentType: "application/x-www-form-urlencoded",
		MaxBody: 64 << 10, Auth: basic{cc.ClientID, cc.Secret},
	}, func(r *Response) error {
		var err error
		tok, lifetime, err = ParseToken(r.Body, cc.DefaultLifetime)
		return err
	})
	if err == nil {
		return tok, lifetime, nil
	}
	var e *Error
	switch {
	case ctx.Err() != nil:
		return "", 0, ctx.Err()
	case !errors.As(err, &e):
		return "", 0, cc.Wrap(err)
	case e.Kind == ErrBadData:
		return "", 0, cc.Wrap(fmt.Errorf("%w: %v", cc.ErrEndpoint, e.Err))
	case e.Kind == ErrUnavailable:
		return "", 0, cc.Wrap(GaveUp(cc.ErrUnavailable, "token endpoint: "+e.Last, e.Tries))
	case e.Status == http.StatusBadRequest || e.Status == http.StatusUnauthorized:
		code := OAuthCode(e.Body)
		if e.Status == http.StatusUnauthorized || code == "invalid_client" {
			return "", 0, cc.Wrap(fmt.Errorf("token endpoint answered %s: %w", StatusLine(e.Status), cc.ErrInvalidClient))
		}
		if code != "" {
			code = " (" + code + ")"
		}
		return "", 0, cc.Wrap(fmt.Errorf("%w: token endpoint answered %s%s", cc.ErrEndpoint, StatusLine(e.Status), code))
	}
	return "", 0, cc.Wrap(Kind(fmt.Sprintf("%v: %s answered %s (check token_url)", cc.ErrEndpoint, cc.TokenURL, e.Last), cc.ErrEndpoint, e.Kind))
}

// ParseToken reads a token endpoint's {access_token, token_type,
// expires_in}; lifetime is defaultLifetime when it does not say. Unknown
// fields are ignored; errors never quote the token.
func ParseToken(body []byte, defaultLifetime time.Duration) (tok string, lifetime time.Duration, err error) {
	body = []byte(strings.TrimSpace(string(body)))
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		if jsonfield.Truncation(body, err) != nil {
			return "", 0, jsonfield.ErrTruncated
		}
		return "", 0, errors.New("the answer is not a JSON object")
	}
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
	lifetime = defaultLifetime
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

// OAuthCode is the "error" of an RFC 6749 §5.2 answer when it is a plain
// code; anything else (or a description) is left out of messages.
func OAuthCode(body []byte) string {
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

// Package podero reads partner energy contracts from Podero's partner API
// (https://{host}/api/partners/v2.0/org/{org_id}/users/{user_id}/energy-contracts)
// for the users configured, one user per page. It authenticates with an
// OAuth 2.0 client-credentials token that it caches until shortly before it
// expires and renews once when the API rejects it.
//
// Podero documents only the PUT on a contract; the list is assumed to be a
// GET on the collection answering a bare JSON array of contracts or a
// Django REST framework page ({"count","next","previous","results"}).
package podero

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"wattfolio/app"
	"wattfolio/sync/engine"
	"wattfolio/sync/vendors/internal/rest"
)

// Errors a whole-source failure wraps, for callers that react to the kind.
var (
	ErrInvalidClient = rest.Kind("the token endpoint rejected the client id or secret (invalid_client)", rest.ErrUnauthorized)
	ErrTokenEndpoint = errors.New("the token endpoint did not issue an access token")
	ErrUnauthorized  = rest.Kind("the API rejected a freshly issued access token", rest.ErrUnauthorized)
	ErrForbidden     = rest.Kind("the client may not read this organisation's energy contracts (wrong org_id or missing permission?)", rest.ErrUnauthorized)
	ErrUnavailable   = rest.Unavailable("podero is unavailable")
	ErrNotFound      = rest.Kind("user not found at podero", rest.ErrNotFound)
)

// Config configures one Podero source.
type Config struct {
	Source   string // the configured source name, used in errors
	BaseURL  string // e.g. https://app.podero.com; may have a path
	TokenURL string // e.g. https://app.podero.com/oauth2/token/; default BaseURL + "/oauth2/token/"
	// ClientID and ClientSecret are the OAuth 2.0 client credentials.
	ClientID, ClientSecret string
	OrgID                  string
	UserIDs                []string
	HTTPClient             *http.Client // default: a client with a 30 s timeout
	// Retries is how many extra tries a request gets after a 429, a 5xx, a
	// timeout or a cut-off body; 0 means the default of 2, negative none.
	Retries int
	Now     func() time.Time // default time.Now; also decides token expiry

	// Concurrency is how many users are fetched ahead in parallel; pages
	// are still delivered in user order. Default 4.
	Concurrency int
	// Backoff is the first retry's delay, doubled per try; 0 means the
	// default of 200 ms, negative none.
	Backoff time.Duration
	// Clock times the waits between tries; nil is the wall clock (tests
	// pass a rest.FakeClock, so that backoff takes no time).
	Clock rest.Clock
	// RequestsPerMinute is the source's max_requests_per_minute: requests
	// are spaced so that no minute holds more; 0 is no limit.
	RequestsPerMinute int
}

// Client is an engine.Connector for one Podero source. Safe for concurrent use.
type Client struct {
	cfg    Config
	api    *rest.Client
	users  []string
	tokens *rest.ClientCredentials
	mapper mapper
}

var (
	_ engine.Connector      = (*Client)(nil)
	_ engine.ContractStream = (*Client)(nil)
)

// New checks cfg and fills in defaults.
func New(cfg Config) (*Client, error) {
	fail := func(format string, args ...any) (*Client, error) {
		return nil, fmt.Errorf("podero source %q: "+format, append([]any{cfg.Source}, args...)...)
	}
	const example, credentials = "https://app.podero.com", "they belong in the client id and secret"
	base, err := rest.ParseURL("base URL", cfg.BaseURL, example, credentials)
	if err != nil {
		return fail("%v", err)
	}
	if strings.TrimSpace(cfg.TokenURL) == "" {
		cfg.TokenURL = base.String() + "/oauth2/token/"
	}
	if _, err := rest.ParseURL("token URL", cfg.TokenURL, example, credentials); err != nil {
		return fail("%v", err)
	}
	// The token URL keeps its trailing slash: Django answers a POST
	// without one with a redirect that drops the body.
	tokenURL := strings.TrimSpace(cfg.TokenURL)

	cfg.ClientID = strings.TrimSpace(cfg.ClientID)
	cfg.ClientSecret = strings.TrimSpace(cfg.ClientSecret)
	switch {
	case cfg.ClientID == "":
		return fail("no client id configured")
	case cfg.ClientSecret == "":
		return fail("no client secret configured")
	}
	cfg.OrgID = strings.TrimSpace(cfg.OrgID)
	if cfg.OrgID == "" {
		return fail("no org_id configured")
	}
	if len(cfg.UserIDs) == 0 {
		return fail("no user ids configured")
	}
	users := make([]string, len(cfg.UserIDs))
	seen := make(map[string]bool, len(users))
	for i, id := range cfg.UserIDs {
		users[i] = strings.TrimSpace(id)
		switch {
		case users[i] == "":
			return fail("user id #%d is empty", i+1)
		case seen[users[i]]:
			return fail("user id %s is listed twice", users[i])
		}
		seen[users[i]] = true
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 4
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	c := &Client{cfg: cfg, users: users, mapper: mapper{source: cfg.Source}}
	// The token endpoint is asked under the same policy, without the token.
	tokenAPI := rest.New(base, cfg.HTTPClient, nil, rest.Policy{Retries: cfg.Retries, Backoff: cfg.Backoff, MaxRetryAfter: 5 * time.Second, RequestsPerMinute: cfg.RequestsPerMinute})
	if cfg.Backoff < 0 {
		tokenAPI.Policy.Backoff = 0
	}
	tokenAPI.Clock = cfg.Clock
	c.tokens = &rest.ClientCredentials{
		TokenURL: tokenURL, ClientID: cfg.ClientID, Secret: cfg.ClientSecret,
		Client: tokenAPI, DefaultLifetime: DefaultTokenLifetime, Now: cfg.Now,
		ErrInvalidClient: ErrInvalidClient, ErrEndpoint: ErrTokenEndpoint, ErrUnavailable: ErrUnavailable,
		Wrap: c.sourceErr,
	}
	c.api = &rest.Client{Base: base, HTTP: tokenAPI.HTTP, Auth: c.tokens, Policy: tokenAPI.Policy, Clock: cfg.Clock, Limiter: tokenAPI.Limiter}
	return c, nil
}

// Streams declares what a Podero source serves: the configured users'
// contracts.
func (c *Client) Streams() engine.Streams { return engine.Streams{Contracts: c, Scope: c.Covers} }

// Contracts implements engine.ContractStream: one page per configured user, in
// order. The cursor is the index of the next user. Users are fetched a few
// ahead in parallel. A user the vendor is too unwell to answer for becomes
// a record error, unless every user of the run fails that way: then the
// source fails and no page is delivered.
func (c *Client) Contracts(ctx context.Context, cursor string, page func(engine.Page) error) error {
	start := 0
	if cursor != "" {
		n, err := strconv.Atoi(cursor)
		if err != nil || n < 0 {
			return c.sourceErr(fmt.Errorf("bad cursor %q: want a user index", cursor))
		}
		start = n
	}
	// A cursor past the end means the user list shrank since the last
	// run: nothing is left to fetch.
	if start >= len(c.users) {
		return nil
	}
	users := c.users[start:]

	// held are pages of users that failed transiently, kept back while no
	// user has been read: if all of them fail, the source fails instead.
	var held []engine.Page
	var lastTransient *app.RecordError
	allTransient := true
	err := rest.Ordered(ctx, len(users), c.cfg.Concurrency, func(ctx context.Context, i int) (outcome, error) {
		o := c.fetchUser(ctx, users[i])
		return o, o.fatal // the first whole-source failure of any user stops all of them
	}, func(i int, o outcome) error {
		if o.aborted {
			return c.sourceErr(context.Cause(ctx))
		}
		p := engine.Page{Contracts: o.contracts, Failures: o.failures, Cursor: strconv.Itoa(start + i + 1)}
		if allTransient && o.transient {
			held = append(held, p)
			lastTransient = o.failures[0]
			return nil
		}
		allTransient = false
		for _, h := range held {
			if err := page(h); err != nil {
				return err
			}
		}
		held = nil
		return page(p)
	})
	switch {
	case err != nil && ctx.Err() != nil && err == context.Cause(ctx):
		return c.sourceErr(err)
	case err != nil:
		return err
	}
	if allTransient {
		cause := strings.TrimPrefix(lastTransient.Err.Error(), ErrUnavailable.Error()+": ")
		return c.sourceErr(fmt.Errorf("%w: all %s failed (last: %s: %s)",
			ErrUnavailable, plural(len(users), "user", "users"), lastTransient.Record, cause))
	}
	return nil
}

func (c *Client) sourceErr(err error) error {
	return fmt.Errorf("podero source %q: %w", c.cfg.Source, err)
}

// Covers is the source's scope (engine.Streams.Scope): the listing is the configured users'.
func (c *Client) Covers(ref app.ContractRef) bool { return slices.Contains(c.users, ref.CustomerID) }

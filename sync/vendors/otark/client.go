// Package otark reads trading contracts (PPAs, day-ahead and intraday
// trades) from otark's /v1/contracts list, page by page with its cursor,
// staying inside the published rate limit.
package otark

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"wattfolio/app"
	"wattfolio/sync/engine"
	"wattfolio/sync/vendors/internal/rest"
)

// Errors a whole-source failure wraps, for callers that react to the kind.
var (
	ErrUnauthorized = rest.Kind("the API key was rejected (revoked or mistyped?)", rest.ErrUnauthorized)
	ErrForbidden    = rest.Kind("the API key may not read contracts (missing permission?)", rest.ErrUnauthorized)
	ErrNotFound     = rest.Kind("the contracts endpoint was not found (is base_url right?)", rest.ErrNotFound)
	ErrUnavailable  = rest.Unavailable("otark is unavailable")
	ErrRateLimited  = rest.Kind("otark's rate limit asks for a longer wait than this source allows", rest.ErrRateLimited)
	ErrPagination   = rest.Kind("otark's pagination does not advance", rest.ErrBadData)
)

// Config configures one otark source. Zero filters do not filter.
type Config struct {
	Source  string // the configured source name, used in errors
	BaseURL string // e.g. https://api.otark.energy; may have a path
	APIKey  string // sent as X-Api-Key

	Status        string // pending | in_progress | completed
	Type          string // ppa | day_ahead | intraday
	EIC           string // a buyer's or seller's 16-character EIC
	DeliveryStart time.Time
	DeliveryEnd   time.Time
	// ActiveOn is sent as its calendar date in its own location.
	ActiveOn time.Time

	Limit      int          // contracts per page, 1..100; default 100
	HTTPClient *http.Client // default: a client with a 30 s timeout
	// Retries is how many extra tries a page gets after a 5xx, a timeout or
	// a cut-off body; 0 means the default of 2, negative means none. 429s do
	// not count: they are waited out as long as each wait fits MaxWait.
	Retries int
	Now     func() time.Time // stamps FetchedAt; default time.Now
	// MaxWait is the longest rate-limit wait honoured; a longer demanded
	// wait fails the sync. Default 60 s.
	MaxWait time.Duration
	// Clock times the waits between tries; nil is the wall clock (tests
	// pass a rest.FakeClock, so that backoff takes no time).
	Clock rest.Clock
	// RequestsPerMinute is the source's max_requests_per_minute: requests
	// are spaced so that no minute holds more; 0 is none (the rate-limit
	// headers still hold), more than PublishedBudget is PublishedBudget.
	RequestsPerMinute int
}

// Client is an engine.Connector for one otark source.
type Client struct {
	cfg   Config
	api   *rest.Client
	query url.Values // the filters and limit, without after
}

// Budget keeps otark's request budget per API key where every process that
// syncs with the key sees it (the cache), so that a second process does not
// spend what the first has learnt is spent. Keys are known by their hash.
type Budget = rest.BudgetStore

// vendor names otark's budgets in the shared store.
const vendor = "otark"

// PublishedBudget is the requests a minute otark allows an API key. A sync
// passes it as RequestsPerMinute when the source sets none, so that the
// budget holds in every 60 s, not only in otark's own windows, which its
// rate-limit headers describe.
const PublishedBudget = 300

// ShareBudget makes the client keep its request budget in b as well.
func (c *Client) ShareBudget(b Budget) { c.api.Budget.Share(b) }

var (
	_ engine.Connector      = (*Client)(nil)
	_ engine.ContractStream = (*Client)(nil)
)

var eicRE = regexp.MustCompile(`^[0-9A-Z][0-9A-Z-]{14}[0-9A-Z]$`)

// New checks cfg and fills in defaults.
func New(cfg Config) (*Client, error) {
	fail := func(format string, args ...any) (*Client, error) {
		return nil, fmt.Errorf("otark source %q: "+format, append([]any{cfg.Source}, args...)...)
	}
	u, err := rest.ParseURL("base URL", cfg.BaseURL, "https://api.otark.energy", "put the API key in the token")
	if err != nil {
		return fail("%v", err)
	}

	cfg.APIKey = strings.TrimSpace(cfg.APIKey)
	switch {
	case cfg.APIKey == "":
		return fail("no API key configured")
	case strings.ContainsAny(cfg.APIKey, " \t\r\n"):
		return fail("the API key contains white space")
	}

	q := url.Values{}
	switch cfg.Status {
	case "":
	case "pending", "in_progress", "completed":
		q.Set("status", cfg.Status)
	default:
		return fail("status %q: want pending, in_progress or completed", cfg.Status)
	}
	switch cfg.Type {
	case "":
	case "ppa", "day_ahead", "intraday":
		q.Set("type", cfg.Type)
	default:
		return fail("type %q: want ppa, day_ahead or intraday", cfg.Type)
	}
	if cfg.EIC != "" {
		if !eicRE.MatchString(cfg.EIC) {
			return fail("EIC %q: want 16 characters, upper-case letters, digits and '-'", cfg.EIC)
		}
		q.Set("eic", cfg.EIC)
	}
	if !cfg.DeliveryStart.IsZero() {
		q.Set("delivery_start", cfg.DeliveryStart.UTC().Format(time.RFC3339))
	}
	if !cfg.DeliveryEnd.IsZero() {
		if !cfg.DeliveryStart.IsZero() && cfg.DeliveryEnd.Before(cfg.DeliveryStart) {
			return fail("delivery end %s is before delivery start %s", cfg.DeliveryEnd.Format(time.RFC3339), cfg.DeliveryStart.Format(time.RFC3339))
		}
		q.Set("delivery_end", cfg.DeliveryEnd.UTC().Format(time.RFC3339))
	}
	if !cfg.ActiveOn.IsZero() {
		q.Set("active_on", cfg.ActiveOn.Format(time.DateOnly))
	}
	switch {
	case cfg.Limit == 0:
		cfg.Limit = 100
	case cfg.Limit < 1 || cfg.Limit > 100:
		return fail("limit %d: want 1..100", cfg.Limit)
	}
	q.Set("limit", strconv.Itoa(cfg.Limit))

	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	switch {
	case cfg.MaxWait == 0:
		cfg.MaxWait = 60 * time.Second
	case cfg.MaxWait < 0:
		return fail("max wait %v: want a positive duration", cfg.MaxWait)
	}
	// otark's published budget holds whatever the sources file says: a
	// higher max_requests_per_minute would only earn 429s.
	perMinute := min(cfg.RequestsPerMinute, PublishedBudget)
	api := rest.New(u, cfg.HTTPClient, rest.APIKey{Header: "X-Api-Key", Key: cfg.APIKey}, rest.Policy{
		Retries: cfg.Retries, Backoff: 500 * time.Millisecond, MaxWait: cfg.MaxWait, WaitOutRateLimits: true,
		RequestsPerMinute: perMinute,
	})
	api.Budget = rest.NewBudget(vendor, cfg.APIKey)
	api.Clock = cfg.Clock
	return &Client{cfg: cfg, api: api, query: q}, nil
}

// Streams declares what an otark source serves: every contract its
// filters select (no scope: a contract missing from a complete listing is
// gone).
func (c *Client) Streams() engine.Streams { return engine.Streams{Contracts: c} }

// Contracts implements engine.ContractStream. The cursor is otark's: the
// pagination.next_cursor of the last stored page, or its last contract id;
// it is sent as after.
func (c *Client) Contracts(ctx context.Context, cursor string, page func(engine.Page) error) error {
	after := cursor
	seen := map[string]bool{}
	if after != "" {
		seen[after] = true
	}
	for {
		env, err := c.fetch(ctx, after)
		if err != nil {
			return err
		}
		p, last := c.mapPage(env, c.cfg.Now().UTC().Truncate(time.Second))
		next := env.nextCursor
		if next == "" {
			next = last
		}
		if env.hasMore {
			switch {
			case len(env.contracts) == 0:
				return c.sourceErr(fmt.Errorf("%w: the page after cursor %q is empty but has_more is true", ErrPagination, after))
			case next == "":
				return c.sourceErr(fmt.Errorf("%w: the page after cursor %q has more but gives no next_cursor and its last contract has no readable id", ErrPagination, after))
			case seen[next]:
				return c.sourceErr(fmt.Errorf("%w: the page after cursor %q leads to cursor %q again", ErrPagination, after, next))
			}
			seen[next] = true
		}
		if len(env.contracts) == 0 {
			return nil // an empty last page: nothing to store
		}
		p.Cursor = next
		if err := page(p); err != nil {
			return err
		}
		if !env.hasMore {
			return nil
		}
		after = next
	}
}

func (c *Client) sourceErr(err error) error {
	return fmt.Errorf("otark source %q: %w", c.cfg.Source, err)
}

// mapPage maps each contract on its own; last is the id of the page's last
// contract, or "" when it has none readable.
func (c *Client) mapPage(env *envelope, fetchedAt time.Time) (p engine.Page, last string) {
	for i, raw := range env.contracts {
		ct, id, ferr := toContract(raw, c.cfg.Source, fetchedAt)
		last = id
		if ferr != nil {
			rec := "contract " + id
			if id == "" {
				rec = fmt.Sprintf("contract #%d of the page", i+1)
			}
			p.Failures = append(p.Failures, &app.RecordError{Source: c.cfg.Source, Record: rec, Field: ferr.Field, Err: ferr.Err})
			continue
		}
		p.Contracts = append(p.Contracts, ct)
	}
	return p, last
}

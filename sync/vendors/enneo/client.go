// Package enneo reads retail energy contracts from an enneo tenant
// (https://{instance}/api/mind) contract by contract, since enneo offers no
// listing endpoint: the source is configured with the contract ids to follow.
package enneo

import (
	"context"
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
	ErrUnauthorized = rest.Kind("the API key was rejected (revoked or expired?)", rest.ErrUnauthorized)
	ErrForbidden    = rest.Kind("the API key may not read contracts (missing permission?)", rest.ErrUnauthorized)
	ErrUnavailable  = rest.Unavailable("enneo is unavailable")
	ErrNotFound     = rest.Kind("contract not found at enneo", rest.ErrNotFound)
)

// Config configures one enneo source.
type Config struct {
	Source      string // the configured source name, used in errors
	BaseURL     string // e.g. https://demo.enneo.ai/api/mind; may have a path
	Token       string // the API key from the user's enneo profile
	ContractIDs []string
	HTTPClient  *http.Client // default: a client with a 30 s timeout
	PageSize    int          // contracts per page; default 50
	Concurrency int          // parallel requests; default 4
	// WorkingPriceUnit is UnitEURPerKWh (default) or UnitCtPerKWh.
	WorkingPriceUnit string
	// BasePriceUnit is UnitEURPerYear (default) or UnitEURPerMonth.
	BasePriceUnit string
	// Retries is how many extra tries a contract gets after a 5xx, a timeout
	// or a cut-off body; 0 means the default of 2, negative means none.
	Retries int
	Now     func() time.Time // default time.Now
	// Clock times the waits between tries; nil is the wall clock (tests
	// pass a rest.FakeClock, so that backoff takes no time).
	Clock rest.Clock
	// RequestsPerMinute is the source's max_requests_per_minute: requests
	// are spaced so that no minute holds more; 0 is no limit.
	RequestsPerMinute int
}

// Client is an engine.Connector for one enneo source.
type Client struct {
	cfg    Config
	api    *rest.Client
	ids    []string
	mapper mapper
}

var (
	_ engine.Connector      = (*Client)(nil)
	_ engine.ContractStream = (*Client)(nil)
)

// New checks cfg and fills in defaults.
func New(cfg Config) (*Client, error) {
	fail := func(format string, args ...any) (*Client, error) {
		return nil, fmt.Errorf("enneo source %q: "+format, append([]any{cfg.Source}, args...)...)
	}
	u, err := rest.ParseURL("base URL", cfg.BaseURL, "https://demo.enneo.ai/api/mind", "put the API key in the token")
	if err != nil {
		return fail("%v", err)
	}
	token, err := rest.BearerToken(cfg.Token)
	switch {
	case err != nil:
		return fail("the API token contains white space")
	case token == "":
		return fail("no API token configured")
	}
	cfg.Token = token

	var m mapper
	m.source = cfg.Source
	switch cfg.WorkingPriceUnit {
	case "", UnitEURPerKWh:
	case UnitCtPerKWh:
		m.workingInCt = true
	default:
		return fail("working price unit %q: want %s or %s", cfg.WorkingPriceUnit, UnitEURPerKWh, UnitCtPerKWh)
	}
	switch cfg.BasePriceUnit {
	case "", UnitEURPerYear:
	case UnitEURPerMonth:
		m.basePerMonth = true
	default:
		return fail("base price unit %q: want %s or %s", cfg.BasePriceUnit, UnitEURPerYear, UnitEURPerMonth)
	}

	ids := make([]string, len(cfg.ContractIDs))
	for i, id := range cfg.ContractIDs {
		ids[i] = strings.TrimSpace(id)
		if ids[i] == "" {
			return fail("contract id #%d is empty", i+1)
		}
	}
	if cfg.PageSize <= 0 {
		cfg.PageSize = 50
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 4
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	api := rest.New(u, cfg.HTTPClient, rest.Bearer(cfg.Token), rest.Policy{Retries: cfg.Retries, MaxRetryAfter: 5 * time.Second, RequestsPerMinute: cfg.RequestsPerMinute})
	api.Clock = cfg.Clock
	return &Client{cfg: cfg, api: api, ids: ids, mapper: m}, nil
}

// Streams declares what an enneo source serves: the configured contracts.
func (c *Client) Streams() engine.Streams { return engine.Streams{Contracts: c, Scope: c.Covers} }

// Contracts implements engine.ContractStream. The cursor is the index into
// ContractIDs of the next contract to fetch.
func (c *Client) Contracts(ctx context.Context, cursor string, page func(engine.Page) error) error {
	start := 0
	if cursor != "" {
		n, err := strconv.Atoi(cursor)
		if err != nil || n < 0 {
			return c.sourceErr(fmt.Errorf("bad cursor %q: want a contract index", cursor))
		}
		start = n
	}
	// A cursor past the end means the id list shrank since the last run:
	// nothing is left to fetch.
	for i := start; i < len(c.ids); i += c.cfg.PageSize {
		end := min(i+c.cfg.PageSize, len(c.ids))
		p, err := c.fetchPage(ctx, c.ids[i:end])
		if err != nil {
			return err
		}
		p.Cursor = strconv.Itoa(end)
		if err := page(p); err != nil {
			return err
		}
	}
	return nil
}

func (c *Client) sourceErr(err error) error {
	return fmt.Errorf("enneo source %q: %w", c.cfg.Source, err)
}

// fetchPage fetches ids with bounded concurrency and returns them in order.
func (c *Client) fetchPage(parent context.Context, ids []string) (engine.Page, error) {
	// Every slot starts aborted, so an id never handed out cannot pass for
	// a fetched contract.
	results := make([]outcome, len(ids))
	for i := range results {
		results[i].aborted = true
	}
	if err := rest.Each(parent, len(ids), c.cfg.Concurrency, func(ctx context.Context, i int) error {
		results[i] = c.fetchOne(ctx, ids[i])
		return results[i].fatal
	}); err != nil {
		return engine.Page{}, err
	}
	if err := parent.Err(); err != nil {
		return engine.Page{}, c.sourceErr(err)
	}

	var p engine.Page
	var lastTransient *app.RecordError
	transient := 0
	var gone []*outcome
	for i, r := range results {
		switch {
		case r.aborted:
			// Only a fatal error or the caller's context cancels, and
			// both returned above; never deliver a half-fetched page.
			return engine.Page{}, c.sourceErr(context.Canceled)
		case r.gone:
			gone = append(gone, &results[i])
			p.Gone = append(p.Gone, ids[i])
		case r.failure != nil:
			p.Failures = append(p.Failures, r.failure)
			if r.transient {
				transient++
				lastTransient = r.failure
			}
		default:
			p.Contracts = append(p.Contracts, r.contract)
		}
	}
	// A 404 says the contract is gone only while enneo answers for others:
	// a page of nothing but 404s is more likely a wrong base URL, and
	// stays record failures rather than marking every contract removed.
	if len(p.Contracts) == 0 && len(gone) > 0 {
		for _, r := range gone {
			p.Failures = append(p.Failures, r.failure)
		}
		p.Gone = nil
	}
	if transient == len(ids) {
		cause := strings.TrimPrefix(lastTransient.Err.Error(), ErrUnavailable.Error()+": ")
		return engine.Page{}, c.sourceErr(fmt.Errorf("%w: all %d contracts of the page failed (last: %s: %s)",
			ErrUnavailable, len(ids), lastTransient.Record, cause))
	}
	return p, nil
}

// Covers is the source's scope (engine.Streams.Scope): the listing is the configured ids.
func (c *Client) Covers(ref app.ContractRef) bool { return slices.Contains(c.ids, ref.ExternalID) }

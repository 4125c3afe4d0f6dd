// Package prosumer reads a prosumer portfolio API (an ASP.NET Web API):
// GET {base}/api/customers/{customerId}/prosumercontracts answers one
// customer's energy, service and flexibility contracts in one document. The
// API has no listing of customers, so a source names the customers to follow;
// one customer is one page, and the cursor is the index of the next customer.
package prosumer

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

// Errors a failure wraps, for callers that react to the kind.
var (
	ErrUnauthorized = rest.Kind("the API refused the request (401): it wants a token, or rejected the one configured", rest.ErrUnauthorized)
	ErrForbidden    = rest.Kind("the API forbids reading these contracts (403)", rest.ErrUnauthorized)
	ErrUnavailable  = rest.Unavailable("the prosumer API is unavailable")
	ErrNotFound     = rest.Kind("customer not found at the prosumer API", rest.ErrNotFound)
	ErrContentType  = rest.Kind("the answer is not JSON", rest.ErrBadData)
)

// Config configures one prosumer source.
type Config struct {
	Source  string // the configured source name, used in errors
	BaseURL string // e.g. https://prosumer.example.com; may have a path
	// Token is optional: the API documents no authentication. When set it
	// is sent as Authorization: Bearer.
	Token       string
	CustomerIDs []string
	HTTPClient  *http.Client // default: a client with a 30 s timeout
	// Retries is how many extra tries a customer gets after a 429, a 5xx, a
	// timeout or a cut-off body; 0 means the default of 2, negative none.
	Retries int
	Now     func() time.Time // default time.Now
	// Clock times the waits between tries; nil is the wall clock (tests
	// pass a rest.FakeClock, so that backoff takes no time).
	Clock rest.Clock
	// RequestsPerMinute is the source's max_requests_per_minute: requests
	// are spaced so that no minute holds more; 0 is no limit.
	RequestsPerMinute int
}

// Client is an engine.Connector for one prosumer source.
type Client struct {
	cfg Config
	api *rest.Client
	ids []string
}

var (
	_ engine.Connector      = (*Client)(nil)
	_ engine.ContractStream = (*Client)(nil)
)

// New checks cfg and fills in defaults.
func New(cfg Config) (*Client, error) {
	fail := func(format string, args ...any) (*Client, error) {
		return nil, fmt.Errorf("prosumer source %q: "+format, append([]any{cfg.Source}, args...)...)
	}
	u, err := rest.ParseURL("base URL", cfg.BaseURL, "https://prosumer.example.com", "put a token in the token instead")
	if err != nil {
		return fail("%v", err)
	}
	token, err := rest.BearerToken(cfg.Token)
	if err != nil {
		return fail("the token contains white space")
	}
	cfg.Token = token

	ids := make([]string, len(cfg.CustomerIDs))
	seen := make(map[string]bool, len(ids))
	for i, id := range cfg.CustomerIDs {
		ids[i] = strings.TrimSpace(id)
		switch {
		case ids[i] == "":
			return fail("customer id #%d is empty", i+1)
		case seen[ids[i]]:
			return fail("customer id %q is listed twice", ids[i])
		}
		seen[ids[i]] = true
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	api := rest.New(u, cfg.HTTPClient, rest.Bearer(cfg.Token), rest.Policy{Retries: cfg.Retries, MaxRetryAfter: 5 * time.Second, RequestsPerMinute: cfg.RequestsPerMinute})
	api.Clock = cfg.Clock
	return &Client{cfg: cfg, api: api, ids: ids}, nil
}

// downStreak is how many customers in a row the API may fail to answer
// for before the source is taken to be down.
const downStreak = 3

// Streams declares what a prosumer source serves: the configured
// customers' contracts.
func (c *Client) Streams() engine.Streams { return engine.Streams{Contracts: c, Scope: c.Covers} }

// Contracts implements engine.ContractStream: one page per customer, in the
// configured order. The cursor is the index of the next customer.
//
// A customer the API cannot answer for (still failing after the retries, or
// answering something that is not JSON) is a record failure. Such pages are
// held back until a later customer answers, because when downStreak
// customers in a row fail that way, or every customer of the run does, the
// API is down: the source fails as a whole, and the cursor stays before the
// customers that were never read, so the next run starts with them.
func (c *Client) Contracts(ctx context.Context, cursor string, page func(engine.Page) error) error {
	start := 0
	if cursor != "" {
		n, err := strconv.Atoi(cursor)
		if err != nil || n < 0 {
			return c.sourceErr(fmt.Errorf("bad cursor %q: want a customer index", cursor))
		}
		start = n
	}
	// A cursor past the end means the customer list shrank since the last
	// run: nothing is left to fetch.
	seen := map[string]delivered{}
	var held []engine.Page // the current streak of customers the API failed
	answered := false
	down := func() error {
		last := held[len(held)-1].Failures[0]
		what := "all " + plural(len(held), "customer", "customers")
		if answered || len(held) < len(c.ids)-start {
			what = plural(len(held), "customer", "customers") + " in a row"
		}
		return c.sourceErr(fmt.Errorf("%w: %s failed (last: %s: %v)", ErrUnavailable, what, last.Record, last.Err))
	}
	for i := start; i < len(c.ids); i++ {
		id := c.ids[i]
		o := c.fetchCustomer(ctx, id)
		if o.fatal != nil {
			return o.fatal
		}
		p := engine.Page{Cursor: strconv.Itoa(i + 1)}
		if o.failure != nil {
			p.Failures = []*app.RecordError{o.failure}
		}
		if o.down {
			held = append(held, p)
			if len(held) >= downStreak {
				return down()
			}
			continue
		}
		answered = true
		c.collect(&p, id, o.items, seen)
		for _, h := range held {
			if err := page(h); err != nil {
				return err
			}
		}
		held = nil
		if err := page(p); err != nil {
			return err
		}
	}
	if len(held) > 0 {
		if !answered {
			return down()
		}
		for _, h := range held {
			if err := page(h); err != nil {
				return err
			}
		}
	}
	return nil
}

// delivered is what a run remembers of a contract it has put in a page.
type delivered struct {
	customer string
	kind     app.Kind
}

// collect puts one customer's contracts and failures into p. The store keys
// contracts by Id, so an Id met again in this run must not overwrite the
// first: an identical repeat within one answer is dropped, any other reuse
// of an Id is a failure of the later contract.
func (c *Client) collect(p *engine.Page, customer string, items []mapped, seen map[string]delivered) {
	repeat := map[string]bool{} // kind and bytes of every contract object in this answer
	for _, it := range items {
		if it.err == nil {
			k := string(it.contract.Kind) + "\x00" + string(it.contract.Raw)
			if repeat[k] {
				continue // the same object twice in one answer says nothing new
			}
			repeat[k] = true
		}
		record := "customer " + customer
		switch {
		case it.id != "":
			record += " contract " + it.id
		case it.where != "":
			record += " " + it.where
		}
		if it.err != nil {
			p.Failures = append(p.Failures, &app.RecordError{Source: c.cfg.Source, Record: record, Field: it.err.Field, Err: it.err.Err})
			continue
		}
		k := it.contract
		if prev, ok := seen[it.id]; ok {
			p.Failures = append(p.Failures, &app.RecordError{Source: c.cfg.Source, Record: record, Field: "Id",
				Err: fmt.Errorf("the same Id came before as a %s contract of customer %s; kept that one", prev.kind, prev.customer)})
			continue
		}
		seen[it.id] = delivered{customer, k.Kind}
		p.Contracts = append(p.Contracts, k)
	}
}

func (c *Client) sourceErr(err error) error {
	return fmt.Errorf("prosumer source %q: %w", c.cfg.Source, err)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// Covers is the source's scope (engine.Streams.Scope): the listing is the configured customers'.
func (c *Client) Covers(ref app.ContractRef) bool { return slices.Contains(c.ids, ref.CustomerID) }

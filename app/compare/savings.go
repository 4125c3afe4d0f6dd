package compare

import (
	"context"
	"fmt"
	"math/big"
	"runtime"
	"sync"
	"time"

	"wattfolio/app"
	"wattfolio/app/tariff"
)

// DeadlineKind says what a customer's next deadline is.
type DeadlineKind string

const (
	// DeadlineNotice is the last day to give notice before the current
	// contract's end of term (its end date less the notice period).
	DeadlineNotice DeadlineKind = "notice"
	// DeadlineGuarantee is when the current contract's price guarantee ends.
	DeadlineGuarantee DeadlineKind = "guarantee_end"
	// DeadlineMinTerm is when the current contract's minimum term ends.
	DeadlineMinTerm DeadlineKind = "min_term_end"
	// DeadlineBonus is when the current contract's first year, and with it
	// its one-off bonuses, lapses.
	DeadlineBonus DeadlineKind = "bonus_lapse"
)

// DefaultNotice is the notice period assumed for a contract that states
// none: one month, the most a German supply contract may ask once its
// minimum term is over (§ 309 Nr. 9 BGB).
var DefaultNotice = tariff.Notice{N: 1, Unit: "month"}

// Days the customer stays on the current terms when a deadline passes
// unused: a missed notice date renews the term for a year; after the other
// deadlines the customer can still leave, with a month's notice.
const (
	heldAfterNotice = 365
	heldOtherwise   = 30
)

// SavingsRow is one customer's line of the portfolio savings view: its
// current annual cost, the best offer, what switching saves and by when to
// act. Figures are nil where they could not be worked out; Note says why.
type SavingsRow struct {
	AccountID int64
	Account   string
	// Profile is the customer's standard load profile from the sources
	// file ("" when none), the segment the view filters by.
	Profile string
	// Current is the baseline contract (the customer's main priced
	// supply contract in force); CurrentCost its year-1 gross.
	CurrentContractID int64
	Current           string
	CurrentCost       *app.Decimal
	// Offer is the cheapest priced, complete offer by year-1 gross;
	// OfferCost its year-1 gross.
	OfferID   int64
	Offer     string
	OfferCost *app.Decimal
	// Saving1 and Saving2 are CurrentCost less OfferCost in year 1 (with
	// bonuses) and year 2 (without); SavingPct1 is Saving1 in percent of
	// the current cost. Negative: the best offer is dearer.
	Saving1, Saving2 *app.Decimal
	SavingPct1       *app.Decimal
	// Deadline is the earliest upcoming of the current contract's notice
	// date, end of price guarantee, end of minimum term and bonus lapse;
	// zero when none is known.
	Deadline     time.Time
	DeadlineKind DeadlineKind
	// AtStake is the saving lost if nothing is done before Deadline: the
	// year-1 saving pro rata for the days the customer then stays on the
	// current terms (365 after a missed notice date, 30 after the other
	// deadlines). nil without a positive saving or a deadline.
	AtStake *app.Decimal
	// Note says why figures are missing, or what was assumed.
	Note string
}

// Savings prices every account's current electricity contracts and the
// offers on the account's curve (compare.Run per account, several at a
// time) and returns one row per account, in the accounts' order. A
// customer that cannot be compared gets a row whose Note says why; only a
// failure of the cache or a cancelled ctx is an error.
func Savings(ctx context.Context, st Store, accounts []app.Account, offers []Alternative, now time.Time) ([]SavingsRow, error) {
	pre, err := prefetch(ctx, st)
	if err != nil {
		return nil, err
	}
	rows := make([]SavingsRow, len(accounts))
	workers := min(runtime.GOMAXPROCS(0), 4, max(len(accounts), 1))
	next := make(chan int)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				r, err := savingsRow(ctx, pre, accounts[i], offers, now)
				if err != nil {
					once.Do(func() { first = err; cancel() })
					continue
				}
				rows[i] = r
			}
		}()
	}
feed:
	for i := range accounts {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if first != nil {
		return nil, first
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return rows, nil
}

// savingsRow is one account's row. A comparison that fails (no curve to
// price on, most often) becomes the row's Note, so that one customer's
// missing data never hides the others'.
func savingsRow(ctx context.Context, st *prefetched, a app.Account, offers []Alternative, now time.Time) (SavingsRow, error) {
	row := SavingsRow{AccountID: a.ID, Account: a.Name, Profile: a.Profile}
	cmp, err := Run(ctx, st, Request{Account: a, Offers: offers, Now: now, Spots: st.spots})
	if err != nil {
		if ctx.Err() != nil {
			return row, ctx.Err()
		}
		row.Note = "cannot be compared: " + err.Error()
		return row, nil
	}
	if cmp.Baseline < 0 {
		row.Note = "no priced current electricity contract"
		for _, o := range cmp.Options {
			if o.Kind == Current && o.Err != nil {
				row.Note += " (" + o.Name + ": " + o.Why() + ")"
				break
			}
		}
		return row, nil
	}
	base := cmp.Options[cmp.Baseline]
	row.CurrentContractID, row.Current = base.ContractID, base.Name
	row.CurrentCost = app.Ptr(base.Result.Year1.Gross)
	best := -1
	for i, o := range cmp.Options {
		if o.Kind != Offer || o.Result == nil || o.Result.Incomplete != "" || o.Tariff.Model == tariff.Flexibility || o.Saving1 == nil {
			continue
		}
		if best < 0 || o.Result.Year1.Gross < cmp.Options[best].Result.Year1.Gross {
			best = i
		}
	}
	c, err := st.contract(ctx, a.ID, base.ContractID)
	if err != nil {
		return row, fmt.Errorf("savings of %s: contract %d: %w", a.Name, base.ContractID, err)
	}
	row.Deadline, row.DeadlineKind = nextDeadline(c, base, now)
	if best < 0 {
		row.Note = "no offer valid today could be priced completely for this customer"
		if len(offers) == 0 {
			row.Note = "no offer valid today"
		}
		return row, nil
	}
	o := cmp.Options[best]
	row.OfferID, row.Offer = o.OfferID, o.Name
	row.OfferCost = app.Ptr(o.Result.Year1.Gross)
	row.Saving1, row.Saving2, row.SavingPct1 = o.Saving1, o.Saving2, o.SavingPct1
	row.AtStake = atStake(row.Saving1, row.DeadlineKind)
	return row, nil
}

// nextDeadline is the earliest of the current contract's deadlines that is
// not yet past at now.
func nextDeadline(c app.Contract, base Option, now time.Time) (time.Time, DeadlineKind) {
	t := base.Tariff
	start := t.Start
	if start.IsZero() {
		start = c.ValidFrom
	}
	var best time.Time
	var kind DeadlineKind
	consider := func(at time.Time, k DeadlineKind) {
		if at.IsZero() || at.Before(now) {
			return
		}
		if best.IsZero() || at.Before(best) {
			best, kind = at, k
		}
	}
	if !c.ValidTo.IsZero() {
		n := t.Notice
		if n.N == 0 {
			n = DefaultNotice
		}
		consider(minusNotice(c.ValidTo, n), DeadlineNotice)
	}
	if base.Result != nil {
		consider(base.Result.GuaranteedUntil, DeadlineGuarantee)
	}
	if !start.IsZero() {
		if t.MinTermMonths > 0 {
			consider(start.AddDate(0, t.MinTermMonths, 0), DeadlineMinTerm)
		}
		if len(t.Bonuses) > 0 {
			consider(start.AddDate(1, 0, 0), DeadlineBonus)
		}
	}
	return best, kind
}

func minusNotice(end time.Time, n tariff.Notice) time.Time {
	loc := app.DefaultZone()
	l := end.In(loc)
	switch n.Unit {
	case "day":
		l = l.AddDate(0, 0, -n.N)
	case "week":
		l = l.AddDate(0, 0, -7*n.N)
	default:
		l = l.AddDate(0, -n.N, 0)
	}
	return l.UTC()
}

// atStake is the year-1 saving pro rata for the days the customer stays
// on the current terms once a deadline of kind has passed unused.
func atStake(saving1 *app.Decimal, kind DeadlineKind) *app.Decimal {
	if saving1 == nil || *saving1 <= 0 || kind == "" {
		return nil
	}
	days := int64(heldOtherwise)
	if kind == DeadlineNotice {
		days = heldAfterNotice
	}
	v, err := app.RoundRat(new(big.Rat).Mul(saving1.Rat(), big.NewRat(days, 365)), 2)
	if err != nil {
		return nil
	}
	return &v
}

// prefetched answers Run's two contract queries per customer (its
// contracts in force, and all of them) from one read of every linked
// contract: at 500 customers those thousand queries took most of a
// recompute. Other queries go to the cache.
type prefetched struct {
	Store
	byAccount map[int64][]app.Contract
	// spots is the cache's spot prices, read once per period for all
	// customers instead of once per customer.
	spots *Spots
}

func prefetch(ctx context.Context, st Store) (*prefetched, error) {
	p := &prefetched{Store: st, byAccount: map[int64][]app.Contract{}, spots: &Spots{}}
	err := st.EachContract(ctx, app.ContractFilter{Upstream: app.UpstreamAll, Sort: app.SortName}, func(c app.Contract) error {
		if id := c.Customer.AccountID; id != 0 {
			p.byAccount[id] = append(p.byAccount[id], c)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("savings: contracts: %w", err)
	}
	return p, nil
}

// EachContract filters as the cache does (ActiveOn: in force at any moment
// of the day that starts there) the queries that name one account and
// nothing but commodity and day besides, in name order.
func (p *prefetched) EachContract(ctx context.Context, f app.ContractFilter, fn func(app.Contract) error) error {
	if f.Account == 0 || f.Source != "" || f.Vendor != "" || f.Kind != "" || f.Status != "" || f.Query != "" ||
		(f.Sort != "" && f.Sort != app.SortName) || f.Desc || f.Limit != 0 || f.Offset != 0 {
		return p.Store.EachContract(ctx, f, fn)
	}
	for _, c := range p.byAccount[f.Account] {
		if f.Commodity != "" && c.Commodity != f.Commodity {
			continue
		}
		if !f.ActiveOn.IsZero() && !c.ActiveOnDay(f.ActiveOn) || !f.Upstream.Keeps(c) {
			continue
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	return nil
}

func (p *prefetched) contract(ctx context.Context, account, id int64) (app.Contract, error) {
	for _, c := range p.byAccount[account] {
		if c.ID == id {
			return c, nil
		}
	}
	return p.GetContract(ctx, id)
}

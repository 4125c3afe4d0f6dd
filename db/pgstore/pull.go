package pgstore

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"

	"github.com/jackc/pgx/v5"

	"wattfolio/db"
	"wattfolio/db/internal/dbq"
	"wattfolio/db/internal/pgq"
)

// A pull reads one analyst's customers, and everything hanging on them,
// from the book into a laptop's cache (db.SliceCopy), in one REPEATABLE
// READ transaction: every row it copies is of one snapshot. The book's ids
// only tie this transaction's statements together; the laptop files each
// row under a natural key (source name and external id; meter, measure and
// channel) and ids of its own.

// Customer is a customer of the book.
type Customer struct {
	ID                       int64 // the book's; never stored on a laptop
	Source, ExternalID, Name string
}

// Slice is the customer as a laptop's slice records it.
func (c Customer) Slice() db.SliceCustomer {
	return db.SliceCustomer{Source: c.Source, ExternalID: c.ExternalID, Name: c.Name}
}

// FindCustomers lists the customers ref names: by name as the app shows
// it (ignoring case), by the vendor's id, or as SOURCE/ID. One customer
// often has a record at several sources under one name.
func (s *Store) FindCustomers(ctx context.Context, ref string) ([]Customer, error) {
	rows, err := s.q.FindCustomers(ctx, ref)
	if err != nil {
		return nil, fmt.Errorf("book: find customer %q: %w", ref, err)
	}
	out := make([]Customer, len(rows))
	for i, r := range rows {
		out[i] = Customer{ID: r.ID, Source: r.SourceName, ExternalID: r.ExternalID, Name: r.Name}
	}
	return out, nil
}

// CustomerByKey finds a customer by its source's name and its id there;
// ok is false when the book no longer has it.
func (s *Store) CustomerByKey(ctx context.Context, source, externalID string) (c Customer, ok bool, err error) {
	r, err := s.q.CustomerByKey(ctx, pgq.CustomerByKeyParams{SourceName: source, ExternalID: externalID})
	if errors.Is(err, pgx.ErrNoRows) {
		return Customer{}, false, nil
	}
	if err != nil {
		return Customer{}, false, fmt.Errorf("book: customer %s/%s: %w", source, externalID, err)
	}
	return Customer{ID: r.ID, Source: source, ExternalID: externalID, Name: r.Name}, true, nil
}

// PullResult is what a pull did.
type PullResult struct {
	PullStats
	// Gone are the slice's customers the book no longer has: their rows
	// on the laptop stay as they were.
	Gone []db.SliceCustomer
}

// PullSlice brings laptop's slice of this book up to date: the customers
// it holds with what the book wrote since the last pull, those added in
// full, those dropped taken out (refused with db.ErrKeptOnDrop while one
// has unsent offline edits or notes). book names this book as the slice
// records it (BookName). One transaction on each side: a pull cut off
// leaves the laptop as it was.
func (s *Store) PullSlice(ctx context.Context, laptop *db.Store, book string, added []Customer, drops []db.SliceCustomer) (PullResult, error) {
	var res PullResult
	slice, pulled, err := laptop.Slice(ctx)
	if err != nil {
		return res, err
	}
	var kept []Customer
	for _, c := range slice.Customers {
		if slices.Contains(drops, c) {
			continue
		}
		bc, ok, err := s.CustomerByKey(ctx, c.Source, c.ExternalID)
		if err != nil {
			return res, err
		}
		if !ok {
			res.Gone = append(res.Gone, c)
			continue
		}
		kept = append(kept, bc)
	}
	var fresh []Customer
	for _, c := range added {
		in := func(x Customer) bool { return x.ID == c.ID }
		if !slices.ContainsFunc(kept, in) && !slices.ContainsFunc(fresh, in) {
			fresh = append(fresh, c)
		}
	}
	since := int64(0)
	if pulled {
		since = slice.Xmin
	}
	err = laptop.PullInto(ctx, drops, func(c *db.SliceCopy) error {
		c.Book = book
		c.Customers = append(c.Customers, res.Gone...)
		for _, cu := range append(append([]Customer(nil), kept...), fresh...) {
			c.Customers = append(c.Customers, cu.Slice())
		}
		res.PullStats, err = s.Pull(ctx, c, kept, since, fresh)
		return err
	})
	return res, err
}

// PullStats counts what a pull copied.
type PullStats struct {
	Contracts, Versions, Meters, Blocks, Offers int
}

// Pull copies into c the rows of the customers kept that the book wrote
// since the previous pull's xmin (since), and every row of the customers
// added; the offers changed since (all of them when since is 0); the
// sources with each one's last runs. It sets c.Xmin to this pull's
// snapshot's xmin, from which the next pull goes on.
func (s *Store) Pull(ctx context.Context, c *db.SliceCopy, kept []Customer, since int64, added []Customer) (PullStats, error) {
	var st PullStats
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return st, fmt.Errorf("book: begin pull: %w", err)
	}
	defer tx.Rollback(ctx) // read-only: nothing to commit
	p := &puller{ctx: ctx, q: s.q.WithTx(tx), c: c, st: &st}
	// The first statement takes the snapshot every later one reads.
	if c.Xmin, err = p.q.PullSnapshotXmin(ctx); err != nil {
		return st, fmt.Errorf("book: pull: %w", err)
	}
	if err := p.sourcesAndCustomers(append(append([]Customer(nil), kept...), added...)); err != nil {
		return st, fmt.Errorf("book: pull: %w", err)
	}
	for _, part := range []struct {
		cs    []Customer
		since int64
	}{{kept, since}, {added, 0}} {
		if len(part.cs) == 0 {
			continue
		}
		ids := make([]int64, len(part.cs))
		for i, cu := range part.cs {
			ids[i] = cu.ID
		}
		if err := p.contracts(ids, part.since); err != nil {
			return st, fmt.Errorf("book: pull contracts: %w", err)
		}
		if err := p.meters(ids, part.since); err != nil {
			return st, fmt.Errorf("book: pull meters: %w", err)
		}
	}
	if err := p.offers(since); err != nil {
		return st, fmt.Errorf("book: pull offers: %w", err)
	}
	return st, nil
}

// puller is one pull under way.
type puller struct {
	ctx context.Context
	q   *pgq.Queries
	c   *db.SliceCopy
	st  *PullStats
	// The laptop's ids of the sources and customers, by the book's.
	sources   map[string]int64
	customers map[[2]string]int64
}

// sourcesAndCustomers copies the slice's sources, with each one's last runs, and
// customers: a handful of rows, copied every time.
func (p *puller) sourcesAndCustomers(cs []Customer) error {
	ids := make([]int64, len(cs))
	for i, cu := range cs {
		ids[i] = cu.ID
	}
	srcs, err := p.q.PullSources(p.ctx, ids)
	if err != nil {
		return err
	}
	p.sources = map[string]int64{}
	srcIDs := make([]int64, len(srcs))
	for i, s := range srcs {
		srcIDs[i] = s.ID
		id, err := p.c.Source(dbq.UpsertSourceParams{Name: s.Name, Vendor: s.Vendor, BaseUrl: s.BaseUrl, CreatedAt: s.CreatedAt.Time.Unix()})
		if err != nil {
			return err
		}
		p.sources[s.Name] = id
	}
	runs, err := p.q.PullRuns(p.ctx, srcIDs)
	if err != nil {
		return err
	}
	runIDs := make([]int64, len(runs))
	for i, r := range runs {
		runIDs[i] = r.ID
	}
	probs, err := p.q.PullRunProblems(p.ctx, runIDs)
	if err != nil {
		return err
	}
	problems := map[int64][]dbq.InsertProblemParams{}
	for _, pr := range probs {
		problems[pr.RunID] = append(problems[pr.RunID], dbq.InsertProblemParams{Record: pr.Record, Field: pr.Field, Message: pr.Message})
	}
	for _, r := range runs {
		err := p.c.Run(dbq.CopyRunParams{
			SourceID: p.sources[r.SourceName], StartedAt: r.StartedAt.Time.Unix(), FinishedAt: unixOrNil(r.FinishedAt),
			Status: r.Status, Fetched: r.Fetched, Failed: r.Failed, Missing: r.Missing, Error: r.Error,
		}, problems[r.ID])
		if err != nil {
			return err
		}
	}
	rows, err := p.q.PullCustomers(p.ctx, ids)
	if err != nil {
		return err
	}
	p.customers = map[[2]string]int64{}
	for _, r := range rows {
		id, err := p.c.Customer(dbq.UpsertCustomerParams{SourceID: p.sources[r.SourceName], ExternalID: r.ExternalID, Name: r.Name})
		if err != nil {
			return err
		}
		p.customers[[2]string{r.SourceName, r.ExternalID}] = id
	}
	return nil
}

// contracts copies the customers' contracts that changed since, each with
// its earlier versions and terms in full.
func (p *puller) contracts(customers []int64, since int64) error {
	rows, err := p.q.PullContracts(p.ctx, pgq.PullContractsParams{Customers: customers, Since: since})
	if err != nil {
		return err
	}
	local := make(map[int64]int64, len(rows)) // book id → laptop id
	ids := make([]int64, len(rows))
	for i, r := range rows {
		customer := p.customers[[2]string{r.SourceName, r.CustomerRef}]
		id, err := p.c.Contract(dbq.UpsertContractParams{
			SourceID: p.sources[r.SourceName], ExternalID: r.ExternalID, CustomerID: &customer,
			Kind: r.Kind, Commodity: r.Commodity, Status: r.Status, Name: r.Name,
			ProductName: r.ProductName, ProductCode: r.ProductCode, Supplier: r.Supplier, SupplierCode: r.SupplierCode,
			Buyer: r.Buyer, BuyerCode: r.BuyerCode, GridOperator: r.GridOperator, GridOperatorCode: r.GridOperatorCode,
			ValidFrom: unixOrNil(r.ValidFrom), ValidTo: unixOrNil(r.ValidTo), SignedAt: unixOrNil(r.SignedAt),
			CancelledAt: unixOrNil(r.CancelledAt), Currency: r.Currency,
			BasePerYearE6: r.BasePerYearE6, WorkingPerKwhE6: r.WorkingPerKwhE6, VatRateE6: r.VatRateE6, AnnualKwhE6: r.AnnualKwhE6,
			MeterID: r.MeterID, SearchText: r.SearchText, RawJson: r.RawJson, FieldsJson: r.FieldsJson,
			FetchedAt: r.FetchedAt.Time.Unix(),
		}, unixOrNil(r.RemovedAt))
		if err != nil {
			return err
		}
		local[r.ID], ids[i] = id, r.ID
	}
	p.st.Contracts += len(rows)
	if len(ids) == 0 {
		return nil
	}
	versions, err := p.q.PullVersions(p.ctx, ids)
	if err != nil {
		return err
	}
	for _, v := range versions {
		err := p.c.Version(dbq.CopyVersionParams{
			ContractID: local[v.ContractID], RawJson: v.RawJson, FieldsJson: v.FieldsJson, RemovedAt: unixOrNil(v.RemovedAt),
			FetchedAt: v.FetchedAt.Time.Unix(), ReplacedAt: v.ReplacedAt.Time.Unix(),
		})
		if err != nil {
			return err
		}
	}
	p.st.Versions += len(versions)
	return p.terms(ids, local)
}

// terms copies the contracts' flexibility, PPA and partner terms and price
// points.
func (p *puller) terms(ids []int64, local map[int64]int64) error {
	flex, err := p.q.PullFlexibility(p.ctx, ids)
	if err != nil {
		return err
	}
	for _, f := range flex {
		err := p.c.Flexibility(dbq.UpsertFlexibilityParams{
			ContractID: local[f.ContractID], AssetID: f.AssetID, AssetName: f.AssetName, ParticipantID: f.ParticipantID,
			ReservationFeeE6: f.ReservationFeeE6, ActivationFeeWorkdaysE6: f.ActivationFeeWorkdaysE6,
			ActivationFeeNonWorkdaysE6: f.ActivationFeeNonWorkdaysE6, MaxPowerKwE6: f.MaxPowerKwE6,
			MaxActivationsPerInterval: f.MaxActivationsPerInterval, MaxActivationMinutes: f.MaxActivationMinutes,
			MinMinutesBetween: f.MinMinutesBetween, DaysAllowed: f.DaysAllowed, PermittedIntervals: f.PermittedIntervals,
			ToleranceE6: f.ToleranceE6, Renewal: f.Renewal, NonConformanceClause: f.NonConformanceClause,
			MinNormalTempE6: f.MinNormalTempE6, MaxNormalTempE6: f.MaxNormalTempE6,
			MaxRampUpTempE6: f.MaxRampUpTempE6, MinRampDownTempE6: f.MinRampDownTempE6,
		})
		if err != nil {
			return err
		}
	}
	ppas, err := p.q.PullPPA(p.ctx, ids)
	if err != nil {
		return err
	}
	for _, x := range ppas {
		err := p.c.PPA(dbq.UpsertPPAParams{
			ContractID: local[x.ContractID], PpaType: x.PpaType, Period: x.Period, DeliveryProfile: x.DeliveryProfile,
			SellerTso: x.SellerTso, BuyerTso: x.BuyerTso, AssetID: x.AssetID, AssetName: x.AssetName,
			Technology: x.Technology, AssetTso: x.AssetTso, NominalPowerMwE6: x.NominalPowerMwE6,
			CreatedAt: unixOrNil(x.CreatedAt), UpdatedAt: unixOrNil(x.UpdatedAt),
		})
		if err != nil {
			return err
		}
	}
	partners, err := p.q.PullPartner(p.ctx, ids)
	if err != nil {
		return err
	}
	for _, x := range partners {
		var ext *int64
		if x.IncludesExternalComponents != nil {
			v := int64(0)
			if *x.IncludesExternalComponents {
				v = 1
			}
			ext = &v
		}
		err := p.c.Partner(dbq.UpsertPartnerParams{
			ContractID: local[x.ContractID], UserID: x.UserID, ContractType: x.ContractType, BuildingID: x.BuildingID,
			IncludesExternalComponents: ext,
		})
		if err != nil {
			return err
		}
	}
	points, err := p.q.PullPricePoints(p.ctx, ids)
	if err != nil {
		return err
	}
	for _, x := range points {
		err := p.c.PricePoint(dbq.InsertPricePointParams{ContractID: local[x.ContractID], ValidFrom: x.ValidFrom.Time.Unix(), PerKwhE6: x.PerKwhE6})
		if err != nil {
			return err
		}
	}
	return nil
}

// meters copies the meters of the customers' contracts, their streams,
// series, blocks of readings (bytes as they are: the format is the same),
// daily rollups and gas figures, as far as the book wrote them since.
func (p *puller) meters(customers []int64, since int64) error {
	ms, err := p.q.PullMeters(p.ctx, pgq.PullMetersParams{Customers: customers, Since: since})
	if err != nil || len(ms) == 0 {
		return err
	}
	local := make(map[int64]int64, len(ms))
	ids := make([]int64, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
		// Every time: a meter is one small row, and so one the laptop
		// lost comes back.
		local[m.ID], err = p.c.Meter(dbq.CopyMeterParams{
			SourceID: p.sources[m.SourceName], ExternalID: m.ExternalID, ContractExternalID: m.ContractExternalID,
			Number: m.Number, Label: m.Label, Unit: m.Unit, Zone: m.Zone, Intervals: m.Intervals,
			DataFrom: unixOrNil(m.DataFrom), DataTo: unixOrNil(m.DataTo), RawJson: m.RawJson,
			UpdatedAt: m.UpdatedAt.Time.Unix(), UnitReportedAt: unixOrNil(m.UnitReportedAt),
		})
		if err != nil {
			return err
		}
		if m.Changed {
			p.st.Meters++
		}
	}
	streams, err := p.q.PullStreams(p.ctx, pgq.PullStreamsParams{Meters: ids, Since: since})
	if err != nil {
		return err
	}
	for _, x := range streams {
		err := p.c.Stream(dbq.CopyStreamParams{
			MeterID: local[x.MeterID], Measure: x.Measure, IntervalS: int64(x.IntervalS), Currency: x.Currency,
			Watermark: unixOrNil(x.Watermark), UpdatedAt: x.UpdatedAt.Time.Unix(),
		})
		if err != nil {
			return err
		}
	}
	series, err := p.q.PullSeries(p.ctx, ids)
	if err != nil {
		return err
	}
	for _, x := range series {
		id, err := p.c.Series(dbq.EnsureSeriesParams{MeterID: local[x.MeterID], Measure: x.Measure, Channel: x.Channel})
		if err != nil {
			return err
		}
		// A series at a time: a meter-year is a few megabytes of blocks.
		blocks, err := p.q.PullBlocks(p.ctx, pgq.PullBlocksParams{Series: []int64{x.ID}, Since: since})
		if err != nil {
			return err
		}
		for _, b := range blocks {
			if err := p.c.Block(dbq.UpsertBlockParams{SeriesID: id, SpanStart: b.SpanStart.Time.Unix(), N: int64(b.N), Data: b.Data}); err != nil {
				return err
			}
		}
		p.st.Blocks += len(blocks)
		days, err := p.q.PullDaily(p.ctx, pgq.PullDailyParams{Series: []int64{x.ID}, Since: since})
		if err != nil {
			return err
		}
		for _, d := range days {
			if err := p.c.Day(dbq.SetDayParams{SeriesID: id, Day: d.Day.Time.Unix(), N: int64(d.N), Total: d.Total, Lo: d.Lo, Hi: d.Hi}); err != nil {
				return err
			}
		}
	}
	gas, err := p.q.PullGas(p.ctx, pgq.PullGasParams{Meters: ids, Since: since})
	if err != nil {
		return err
	}
	for _, g := range gas {
		err := p.c.Gas(dbq.SetMeterGasParams{MeterID: local[g.MeterID], CalorificValueE6: g.CalorificValueE6, StateNumberE6: g.StateNumberE6, SetAt: g.SetAt.Time.Unix()})
		if err != nil {
			return err
		}
	}
	return nil
}

// offers copies the team's offers changed since.
func (p *puller) offers(since int64) error {
	rows, err := p.q.PullOffers(p.ctx, since)
	if err != nil {
		return err
	}
	for _, o := range rows {
		gross := int64(0)
		if o.Gross {
			gross = 1
		}
		err := p.c.Offer(dbq.SaveOfferParams{
			Name: o.Name, Supplier: o.Supplier, Commodity: o.Commodity, Model: o.Model, Currency: o.Currency,
			Gross: gross, VatRateE6: o.VatRateE6, BasePerYearE6: o.BasePerYearE6, WorkingPerKwhE6: o.WorkingPerKwhE6,
			GridPerKwhE6: o.GridPerKwhE6, GridBasePerYearE6: o.GridBasePerYearE6, LeviesPerKwhE6: o.LeviesPerKwhE6,
			ElectricityTaxPerKwhE6: o.ElectricityTaxPerKwhE6, ConcessionPerKwhE6: o.ConcessionPerKwhE6,
			NegativeRule: o.NegativeRule, AverageRule: o.AverageRule, GuaranteeMonths: int64(o.GuaranteeMonths),
			GuaranteeScope: o.GuaranteeScope, MinTermMonths: int64(o.MinTermMonths), NoticeN: int64(o.NoticeN),
			NoticeUnit: o.NoticeUnit, SupplyStart: unixOrNil(o.SupplyStart), ValidFrom: unixOrNil(o.ValidFrom),
			ValidTo: unixOrNil(o.ValidTo), Notes: o.Notes, TermsJson: o.TermsJson, UpdatedAt: o.UpdatedAt.Time.Unix(),
		})
		if err != nil {
			return fmt.Errorf("offer %q: %w", o.Name, err)
		}
	}
	p.st.Offers += len(rows)
	return nil
}

// BookName is how a laptop's slice names the book of url: the URL without
// its password.
func BookName(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "a PostgreSQL book"
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	if q := u.Query(); q.Has("password") {
		q.Del("password")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

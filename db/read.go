package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"wattfolio/app"
	"wattfolio/db/internal/dbq"
)

// DefaultPageSize is the portfolio page size when a filter names none.
const DefaultPageSize = 50

// exportBatch is how many rows EachContract holds in memory at once.
const exportBatch = 500

func listParams(f app.ContractFilter) dbq.ListContractsParams {
	p := dbq.ListContractsParams{
		Source:    f.Source,
		Vendor:    string(f.Vendor),
		Kind:      string(f.Kind),
		Commodity: string(f.Commodity),
		Status:    f.Status,
		Upstream:  string(f.Upstream),
		Account:   f.Account,
		Query:     app.FoldSearch(strings.TrimSpace(f.Query)),
		Sort:      string(f.Sort),
		Lim:       int64(f.Limit),
		Off:       int64(max(f.Offset, 0)),
	}
	if f.Desc {
		p.Descending = 1
	}
	if p.Lim <= 0 {
		p.Lim = DefaultPageSize
	}
	if !f.ActiveOn.IsZero() {
		p.ActiveFrom = f.ActiveOn.Unix()
		p.ActiveUntil = f.ActiveOn.AddDate(0, 0, 1).Unix()
	}
	return p
}

// ListContracts returns one page of the filtered, sorted portfolio and the
// number of matches over all pages.
func (s *Store) ListContracts(ctx context.Context, f app.ContractFilter) (app.ContractPage, error) {
	p := listParams(f)
	page := app.ContractPage{Limit: int(p.Lim), Offset: int(p.Off)}
	var err error
	if byIndex(f) {
		page.Contracts, page.Total, err = s.listByIndex(ctx, p, f.Sort, f.Desc)
	} else {
		page.Contracts, page.Total, err = s.listAny(ctx, p)
	}
	if err != nil {
		return app.ContractPage{}, fmt.Errorf("cache: list contracts: %w", err)
	}
	if err := attachTerms(ctx, s.rq, page.Contracts); err != nil {
		return app.ContractPage{}, fmt.Errorf("cache: list contracts: %w", err)
	}
	return page, nil
}

// byIndex reports whether f is a shape the fast queries serve: equality
// filters only, in the default order (by name), by start or end date,
// external id, a price, status, source or customer.
func byIndex(f app.ContractFilter) bool {
	return f.Account == 0 && f.ActiveOn.IsZero() && strings.TrimSpace(f.Query) == "" &&
		(f.Sort == "" || f.Sort == app.SortName || f.Sort == app.SortValidFrom || f.Sort == app.SortValidTo ||
			f.Sort == app.SortExternalID || f.Sort == app.SortWorking || f.Sort == app.SortBase || f.Sort == app.SortStatus ||
			f.Sort == app.SortSource || f.Sort == app.SortCustomer)
}

// listAny is a page of any filter and sort, from every match of the
// filters that are not facets (one pass, sorted): the facet filters are
// applied here, and the facet counts of the same pass are kept for the
// page's ContractFacets, which would otherwise scan every contract again.
func (s *Store) listAny(ctx context.Context, p dbq.ListContractsParams) ([]app.Contract, int, error) {
	gen, err := s.generation(ctx)
	if err != nil {
		return nil, 0, err
	}
	mp := matchParams(p)
	rows, err := matches(ctx, s.rq, mp)
	if err != nil {
		return nil, 0, err
	}
	s.cache.putFacets(gen, facetKey(mp), facetGroupsOf(rows))
	ids := facetFiltered(rows, p)
	page := ids[min(int(p.Off), len(ids)):min(int(p.Off+p.Lim), len(ids))]
	if len(page) == 0 {
		// Past the last page ListContracts reports no total, as the
		// indexed pages do.
		return nil, 0, nil
	}
	cs, _, err := contractsByID(ctx, s.rq, page, 1)
	return cs, len(ids), err
}

func matchParams(p dbq.ListContractsParams) dbq.ContractMatchesParams {
	return dbq.ContractMatchesParams{Sort: p.Sort, Descending: p.Descending, Source: p.Source, Kind: p.Kind,
		Upstream: p.Upstream, Account: p.Account, ActiveFrom: p.ActiveFrom, ActiveUntil: p.ActiveUntil, Query: p.Query}
}

// matches is every match of p in order: a customer's from its links, a
// search's from the contracts it finds.
func matches(ctx context.Context, q *dbq.Queries, p dbq.ContractMatchesParams) ([]dbq.ContractMatchesRow, error) {
	if p.Account == 0 && p.Query != "" {
		rows, err := q.ContractSearchMatches(ctx, dbq.ContractSearchMatchesParams{Sort: p.Sort, Descending: p.Descending,
			Source: p.Source, Kind: p.Kind, Upstream: p.Upstream, ActiveFrom: p.ActiveFrom, ActiveUntil: p.ActiveUntil,
			Gram: gramQuery(p.Query), Pattern: globPattern(p.Query), Query: p.Query})
		out := make([]dbq.ContractMatchesRow, len(rows))
		for i, r := range rows {
			out[i] = dbq.ContractMatchesRow(r)
		}
		return out, err
	}
	if p.Account == 0 {
		return q.ContractMatches(ctx, p)
	}
	rows, err := q.ContractMatchesOfAccount(ctx, dbq.ContractMatchesOfAccountParams{Sort: p.Sort, Descending: p.Descending,
		Account: p.Account, Source: p.Source, Kind: p.Kind, Upstream: p.Upstream, ActiveFrom: p.ActiveFrom,
		ActiveUntil: p.ActiveUntil, Query: p.Query})
	out := make([]dbq.ContractMatchesRow, len(rows))
	for i, r := range rows {
		out[i] = dbq.ContractMatchesRow(r)
	}
	return out, err
}

// facetKey is the facet cache's key of the matches of p.
func facetKey(p dbq.ContractMatchesParams) dbq.ContractFacetGroupsFilteredParams {
	return dbq.ContractFacetGroupsFilteredParams{Source: p.Source, Kind: p.Kind, Upstream: p.Upstream,
		Account: p.Account, ActiveFrom: p.ActiveFrom, ActiveUntil: p.ActiveUntil, Query: p.Query}
}

// facetGroupsOf counts rows per status, commodity and vendor, as
// ContractFacetGroupsFiltered does.
func facetGroupsOf(rows []dbq.ContractMatchesRow) []app.FacetGroup {
	at := map[app.FacetGroup]int{}
	var groups []app.FacetGroup
	for _, r := range rows {
		k := app.FacetGroup{Status: r.Status, Commodity: app.Commodity(r.Commodity), Vendor: app.Vendor(r.Vendor)}
		i, ok := at[k]
		if !ok {
			i = len(groups)
			at[k] = i
			groups = append(groups, k)
		}
		groups[i].Count++
	}
	return groups
}

// facetFiltered is the ids of rows that pass p's facet filters (status,
// vendor, commodity), in order.
func facetFiltered(rows []dbq.ContractMatchesRow, p dbq.ListContractsParams) []int64 {
	ids := make([]int64, 0, len(rows))
	for _, r := range rows {
		if (p.Status == "" || r.Status == p.Status) && (p.Vendor == "" || r.Vendor == p.Vendor) &&
			(p.Commodity == "" || r.Commodity == p.Commodity) {
			ids = append(ids, r.ID)
		}
	}
	return ids
}

// contractsByID reads the contracts of ids in the order of ids (the
// vendor's record only with withRaw 1), and which have terms, without them.
func contractsByID(ctx context.Context, q *dbq.Queries, ids []int64, withRaw int64) ([]app.Contract, []bool, error) {
	rows, err := q.ContractsByID(ctx, dbq.ContractsByIDParams{WithRaw: withRaw, Ids: ids})
	if err != nil {
		return nil, nil, err
	}
	if len(rows) != len(ids) {
		return nil, nil, fmt.Errorf("%d of %d rows read", len(rows), len(ids))
	}
	at := make(map[int64]int, len(ids))
	for i, id := range ids {
		at[id] = i
	}
	cs, has := make([]app.Contract, len(ids)), make([]bool, len(ids))
	for _, r := range rows {
		i, er := at[r.ID], dbq.ContractsAfterNameRow(r)
		cs[i], has[i] = contractFromExportRow(&er), r.HasTerms != 0
	}
	return cs, has, nil
}

// listByIndex is a page of a byIndex filter read off the index of its
// order (by name with a status: the status-and-name index), and the number
// of matches, counted apart unless the page shows they all fit on it.
func (s *Store) listByIndex(ctx context.Context, p dbq.ListContractsParams, sort app.ContractSort, desc bool) ([]app.Contract, int, error) {
	np := dbq.ListContractsByNameParams{Source: p.Source, Vendor: p.Vendor, Kind: p.Kind, Commodity: p.Commodity, Status: p.Status, Upstream: p.Upstream, Off: p.Off, Lim: p.Lim}
	var rows []dbq.ListContractsByNameRow
	var err error
	switch {
	case sort == app.SortValidFrom && !desc:
		rows, err = convertRows(s.rq.ListContractsByValidFrom(ctx, dbq.ListContractsByValidFromParams(np)))
	case sort == app.SortValidFrom:
		rows, err = convertRows(s.rq.ListContractsByValidFromDesc(ctx, dbq.ListContractsByValidFromDescParams(np)))
	case sort == app.SortValidTo && !desc:
		rows, err = convertRows(s.rq.ListContractsByValidTo(ctx, dbq.ListContractsByValidToParams(np)))
	case sort == app.SortValidTo:
		rows, err = convertRows(s.rq.ListContractsByValidToDesc(ctx, dbq.ListContractsByValidToDescParams(np)))
	case sort == app.SortExternalID && !desc:
		rows, err = convertRows(s.rq.ListContractsByExternalID(ctx, dbq.ListContractsByExternalIDParams(np)))
	case sort == app.SortExternalID:
		rows, err = convertRows(s.rq.ListContractsByExternalIDDesc(ctx, dbq.ListContractsByExternalIDDescParams(np)))
	case sort == app.SortWorking && !desc:
		rows, err = convertRows(s.rq.ListContractsByWorkingPrice(ctx, dbq.ListContractsByWorkingPriceParams(np)))
	case sort == app.SortWorking:
		rows, err = convertRows(s.rq.ListContractsByWorkingPriceDesc(ctx, dbq.ListContractsByWorkingPriceDescParams(np)))
	case sort == app.SortBase && !desc:
		rows, err = convertRows(s.rq.ListContractsByBasePrice(ctx, dbq.ListContractsByBasePriceParams(np)))
	case sort == app.SortBase:
		rows, err = convertRows(s.rq.ListContractsByBasePriceDesc(ctx, dbq.ListContractsByBasePriceDescParams(np)))
	case sort == app.SortSource && !desc:
		rows, err = convertRows(s.rq.ListContractsBySource(ctx, dbq.ListContractsBySourceParams(np)))
	case sort == app.SortSource:
		rows, err = convertRows(s.rq.ListContractsBySourceDesc(ctx, dbq.ListContractsBySourceDescParams(np)))
	case sort == app.SortCustomer && !desc:
		rows, err = convertRows(s.rq.ListContractsByCustomer(ctx, dbq.ListContractsByCustomerParams(np)))
	case sort == app.SortCustomer:
		rows, err = convertRows(s.rq.ListContractsByCustomerDesc(ctx, dbq.ListContractsByCustomerDescParams(np)))
	case sort == app.SortStatus && !desc:
		rows, err = convertRows(s.rq.ListContractsByStatus(ctx, dbq.ListContractsByStatusParams(np)))
	case sort == app.SortStatus:
		rows, err = convertRows(s.rq.ListContractsByStatusDesc(ctx, dbq.ListContractsByStatusDescParams(np)))
	case p.Status == "" && !desc:
		rows, err = s.rq.ListContractsByName(ctx, np)
	case p.Status == "" && desc:
		rows, err = convertRows(s.rq.ListContractsByNameDesc(ctx, dbq.ListContractsByNameDescParams(np)))
	case !desc:
		rows, err = convertRows(s.rq.ListContractsByStatusName(ctx, dbq.ListContractsByStatusNameParams(np)))
	default:
		rows, err = convertRows(s.rq.ListContractsByStatusNameDesc(ctx, dbq.ListContractsByStatusNameDescParams(np)))
	}
	if err != nil {
		return nil, 0, err
	}
	cs := make([]app.Contract, 0, len(rows))
	for _, r := range rows {
		cs = append(cs, contractFromRow(r.Contract, r.SourceName, r.Vendor, r.CustomerRef, r.CustomerName, r.AccountID, r.AccountName))
	}
	switch {
	case len(rows) == 0:
		// Past the last page ListContracts reports no total; keep that.
		return cs, 0, nil
	case int64(len(rows)) < p.Lim:
		return cs, int(p.Off) + len(rows), nil
	}
	if n, ok, err := s.cachedTotal(ctx, p); err != nil || ok {
		return cs, n, err
	}
	cp := dbq.CountContractsParams{Source: p.Source, Vendor: p.Vendor, Kind: p.Kind, Commodity: p.Commodity, Status: p.Status, Upstream: p.Upstream}
	var n int64
	switch {
	case cp == dbq.CountContractsParams{Upstream: p.Upstream}:
		n, err = s.countAll(ctx, app.Upstream(p.Upstream))
	case p.Status != "":
		n, err = s.rq.CountContractsByStatus(ctx, dbq.CountContractsByStatusParams(cp))
	default:
		n, err = s.rq.CountContracts(ctx, cp)
	}
	return cs, int(n), err
}

// cachedTotal is the number of matches of p's equality filters summed
// from the facet groups the page cache holds for them, if it does: the
// portfolio page counts them for its facets anyway, and counting one
// status in the filter index again on every page costs milliseconds at
// 50,000 contracts.
func (s *Store) cachedTotal(ctx context.Context, p dbq.ListContractsParams) (int, bool, error) {
	gen, err := s.generation(ctx)
	if err != nil {
		return 0, false, err
	}
	groups, ok := s.cache.facets(gen, dbq.ContractFacetGroupsFilteredParams{Source: p.Source, Kind: p.Kind, Upstream: p.Upstream})
	if !ok {
		return 0, false, nil
	}
	n := 0
	for _, g := range groups {
		if (p.Status == "" || g.Status == p.Status) && (p.Vendor == "" || string(g.Vendor) == p.Vendor) &&
			(p.Commodity == "" || string(g.Commodity) == p.Commodity) {
			n += g.Count
		}
	}
	return n, true, nil
}

// countAll counts the contracts of one upstream state from the two counts
// SQLite keeps cheap: all rows (read off the smallest index) and the removed
// ones (a partial index as small as they are few), rather than testing
// every row.
func (s *Store) countAll(ctx context.Context, u app.Upstream) (int64, error) {
	removed, err := s.rq.CountRemovedContracts(ctx)
	if err != nil || u == app.UpstreamRemoved {
		return removed, err
	}
	all, err := s.rq.CountAllContracts(ctx)
	if u == app.UpstreamAll {
		return all, err
	}
	return all - removed, err
}

// nameRow is any of the indexed page queries' rows: the same columns.
type nameRow interface {
	dbq.ListContractsByNameDescRow | dbq.ListContractsByStatusNameRow | dbq.ListContractsByStatusNameDescRow |
		dbq.ListContractsByValidFromRow | dbq.ListContractsByValidFromDescRow |
		dbq.ListContractsByValidToRow | dbq.ListContractsByValidToDescRow |
		dbq.ListContractsByExternalIDRow | dbq.ListContractsByExternalIDDescRow |
		dbq.ListContractsByWorkingPriceRow | dbq.ListContractsByWorkingPriceDescRow |
		dbq.ListContractsByBasePriceRow | dbq.ListContractsByBasePriceDescRow |
		dbq.ListContractsByStatusRow | dbq.ListContractsByStatusDescRow |
		dbq.ListContractsBySourceRow | dbq.ListContractsBySourceDescRow |
		dbq.ListContractsByCustomerRow | dbq.ListContractsByCustomerDescRow
}

func convertRows[R nameRow](rows []R, err error) ([]dbq.ListContractsByNameRow, error) {
	out := make([]dbq.ListContractsByNameRow, len(rows))
	for i, r := range rows {
		out[i] = dbq.ListContractsByNameRow(r)
	}
	return out, err
}

// EachContract calls fn for every contract that matches f, in f's order,
// holding at most a few hundred rows in memory. It reads from one snapshot,
// so a sync running meanwhile neither duplicates nor drops rows. The
// default order is read by keyset off the name index; any other reads the
// ids of every match in order (one sort), then the rows by id in batches.
func (s *Store) EachContract(ctx context.Context, f app.ContractFilter, fn func(app.Contract) error) error {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("cache: export contracts: %w", err)
	}
	defer tx.Rollback()
	q := s.rq.WithTx(tx)
	p := listParams(f)
	withRaw := int64(1)
	if f.WithoutRaw {
		withRaw = 0
	}
	switch byName := byIndex(f) && (f.Sort == "" || f.Sort == app.SortName) && !f.Desc; {
	case byName && f.ExportOnly && f.WithoutRaw:
		err = exportByName(ctx, q, p, fn)
	case byName:
		err = eachByName(ctx, q, p, withRaw, fn)
	default:
		err = eachInOrder(ctx, q, p, withRaw, fn)
	}
	var ferr fnError
	if errors.As(err, &ferr) {
		return ferr.err
	}
	if err != nil {
		return fmt.Errorf("cache: export contracts: %w", err)
	}
	return nil
}

// fnError is an error of EachContract's fn, passed on as it is.
type fnError struct{ err error }

func (e fnError) Error() string { return e.err.Error() }

// emit attaches the terms of the contracts of batch with has[i] and passes
// its contracts to fn.
func emit(ctx context.Context, q *dbq.Queries, batch []app.Contract, has []bool, fn func(app.Contract) error) error {
	var sub []app.Contract
	var at []int
	for i, h := range has {
		if h {
			sub, at = append(sub, batch[i]), append(at, i)
		}
	}
	if err := attachTerms(ctx, q, sub); err != nil {
		return err
	}
	for k, i := range at {
		batch[i] = sub[k]
	}
	for _, c := range batch {
		if err := fn(c); err != nil {
			return fnError{err}
		}
	}
	return nil
}

// eachByName pages through the default order by keyset on (lower(name), id).
func eachByName(ctx context.Context, q *dbq.Queries, p dbq.ListContractsParams, withRaw int64, fn func(app.Contract) error) error {
	kp := dbq.ContractsAfterNameParams{WithRaw: withRaw, Source: p.Source, Vendor: p.Vendor, Kind: p.Kind, Commodity: p.Commodity, Status: p.Status, Upstream: p.Upstream, Lim: exportBatch}
	return byKeyset(ctx, q, fn, func(add func(app.Contract, bool)) error {
		return q.ContractsAfterNameEach(ctx, kp, func(r *dbq.ContractsAfterNameRow) error {
			add(contractFromExportRow(r), r.HasTerms != 0)
			kp.AfterName, kp.AfterID = r.Name, r.ID
			return nil
		})
	})
}

// exportByName is eachByName reading only the columns the CSV export
// without personal data writes.
func exportByName(ctx context.Context, q *dbq.Queries, p dbq.ListContractsParams, fn func(app.Contract) error) error {
	kp := dbq.ExportContractsAfterNameParams{Source: p.Source, Vendor: p.Vendor, Kind: p.Kind, Commodity: p.Commodity, Status: p.Status, Upstream: p.Upstream, Lim: exportBatch}
	return byKeyset(ctx, q, fn, func(add func(app.Contract, bool)) error {
		return q.ExportContractsAfterNameEach(ctx, kp, func(r *dbq.ExportContractsAfterNameRow) error {
			add(contractFromRow(dbq.Contract{
				ID: r.ID, ExternalID: r.ExternalID, Kind: r.Kind,
				Commodity: r.Commodity, Status: r.Status, Name: r.Name, ProductName: r.ProductName, ProductCode: r.ProductCode,
				Supplier: r.Supplier, SupplierCode: r.SupplierCode, Buyer: r.Buyer, BuyerCode: r.BuyerCode,
				GridOperator: r.GridOperator, ValidFrom: r.ValidFrom, ValidTo: r.ValidTo,
				SignedAt: r.SignedAt, Currency: r.Currency, BasePerYearE6: r.BasePerYearE6,
				WorkingPerKwhE6: r.WorkingPerKwhE6, VatRateE6: r.VatRateE6, AnnualKwhE6: r.AnnualKwhE6, MeterID: r.MeterID,
				FetchedAt: r.FetchedAt, RemovedAt: r.RemovedAt,
			}, r.SourceName, r.Vendor, r.CustomerRef, r.CustomerName, 0, r.AccountName), r.HasTerms != 0)
			kp.AfterName, kp.AfterID = r.Name, r.ID
			return nil
		})
	})
}

// byKeyset passes fn the batches that next reads (each batch's rows read
// into the slots of the last, each with whether it has terms) until one
// comes short: next reads the batch after the last row it read.
func byKeyset(ctx context.Context, q *dbq.Queries, fn func(app.Contract) error, next func(add func(app.Contract, bool)) error) error {
	batch := make([]app.Contract, 0, exportBatch)
	has := make([]bool, 0, exportBatch)
	add := func(c app.Contract, h bool) { batch, has = append(batch, c), append(has, h) }
	for {
		batch, has = batch[:0], has[:0]
		if err := next(add); err != nil {
			return err
		}
		if err := emit(ctx, q, batch, has, fn); err != nil {
			return err
		}
		if len(batch) < exportBatch {
			return nil
		}
	}
}

// eachInOrder reads the ids of every match in order, then the rows by id.
func eachInOrder(ctx context.Context, q *dbq.Queries, p dbq.ListContractsParams, withRaw int64, fn func(app.Contract) error) error {
	rows, err := matches(ctx, q, matchParams(p))
	if err != nil {
		return err
	}
	ids := facetFiltered(rows, p)
	for len(ids) > 0 {
		chunk := ids[:min(exportBatch, len(ids))]
		ids = ids[len(chunk):]
		batch, has, err := contractsByID(ctx, q, chunk, withRaw)
		if err != nil {
			return err
		}
		if err := emit(ctx, q, batch, has, fn); err != nil {
			return err
		}
	}
	return nil
}

// contractFromExportRow is a contract of the export's queries, which read
// every column a contract carries and none it does not.
func contractFromExportRow(r *dbq.ContractsAfterNameRow) app.Contract {
	return contractFromRow(dbq.Contract{
		ID: r.ID, ExternalID: r.ExternalID, Kind: r.Kind,
		Commodity: r.Commodity, Status: r.Status, Name: r.Name, ProductName: r.ProductName, ProductCode: r.ProductCode,
		Supplier: r.Supplier, SupplierCode: r.SupplierCode, Buyer: r.Buyer, BuyerCode: r.BuyerCode,
		GridOperator: r.GridOperator, GridOperatorCode: r.GridOperatorCode, ValidFrom: r.ValidFrom, ValidTo: r.ValidTo,
		SignedAt: r.SignedAt, CancelledAt: r.CancelledAt, Currency: r.Currency, BasePerYearE6: r.BasePerYearE6,
		WorkingPerKwhE6: r.WorkingPerKwhE6, VatRateE6: r.VatRateE6, AnnualKwhE6: r.AnnualKwhE6, MeterID: r.MeterID,
		RawJson: r.RawJson, FetchedAt: r.FetchedAt, RemovedAt: r.RemovedAt,
	}, r.SourceName, r.Vendor, r.CustomerRef, r.CustomerName, r.AccountID, r.AccountName)
}

// GetContract returns one contract by its cache id, or app.ErrNotFound.
func (s *Store) GetContract(ctx context.Context, id int64) (app.Contract, error) {
	r, err := s.rq.GetContract(ctx, id)
	if errors.Is(err, sql.ErrNoRows) {
		return app.Contract{}, fmt.Errorf("contract %d: %w", id, app.ErrNotFound)
	}
	if err != nil {
		return app.Contract{}, fmt.Errorf("cache: contract %d: %w", id, err)
	}
	cs := []app.Contract{contractFromRow(r.Contract, r.SourceName, r.Vendor, r.CustomerRef, r.CustomerName, r.AccountID, r.AccountName)}
	if err := attachTerms(ctx, s.rq, cs); err != nil {
		return app.Contract{}, fmt.Errorf("cache: contract %d: %w", id, err)
	}
	return cs[0], nil
}

// FilterOptions lists the sources and statuses in the cache and counts the
// removed contracts. They are kept until the next sync or offline edit:
// every portfolio page shows them.
func (s *Store) FilterOptions(ctx context.Context) (app.FilterOptions, error) {
	gen, err := s.generation(ctx)
	if err != nil {
		return app.FilterOptions{}, fmt.Errorf("cache: filter options: %w", err)
	}
	if o, ok := s.cache.filterOptions(gen); ok {
		return o, nil
	}
	var o app.FilterOptions
	if o.Sources, err = s.rq.SourceNames(ctx); err != nil {
		return o, fmt.Errorf("cache: filter options: %w", err)
	}
	if o.Statuses, err = s.rq.ContractStatuses(ctx); err != nil {
		return o, fmt.Errorf("cache: filter options: %w", err)
	}
	n, err := s.rq.CountRemovedContracts(ctx)
	if err != nil {
		return o, fmt.Errorf("cache: filter options: %w", err)
	}
	o.Removed = int(n)
	s.cache.putFilterOptions(gen, o)
	return o, nil
}

// problemsShown is how many record problems the sync page lists per run.
const problemsShown = 5

// SourceStatuses reports each source's contract count, last run and data age.
func (s *Store) SourceStatuses(ctx context.Context) ([]app.SourceStatus, error) {
	rows, err := s.rq.ListSources(ctx)
	if err != nil {
		return nil, fmt.Errorf("cache: sources: %w", err)
	}
	out := make([]app.SourceStatus, 0, len(rows))
	for _, r := range rows {
		st := app.SourceStatus{Name: r.Name, Vendor: app.Vendor(r.Vendor), BaseURL: r.BaseUrl, Contracts: int(r.Contracts)}
		if r.LastSuccess > 0 {
			st.LastSuccess = time.Unix(r.LastSuccess, 0).UTC()
		}
		run, err := s.lastRun(ctx, r.ID, r.Name)
		if err != nil {
			return nil, err
		}
		st.LastRun = run
		out = append(out, st)
	}
	return out, nil
}

// LastRun returns the newest run of a source, or nil when it never ran.
func (s *Store) LastRun(ctx context.Context, source string) (*app.SyncRun, error) {
	sid, err := s.sourceID(ctx, s.rq, source)
	if err != nil {
		return nil, err
	}
	return s.lastRun(ctx, sid, source)
}

func (s *Store) lastRun(ctx context.Context, sourceID int64, name string) (*app.SyncRun, error) {
	r, err := s.rq.LastRun(ctx, sourceID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cache: last run of %q: %w", name, err)
	}
	run := &app.SyncRun{
		ID: r.ID, Source: name, StartedAt: time.Unix(r.StartedAt, 0).UTC(), Status: app.RunStatus(r.Status),
		Fetched: int(r.Fetched), Failed: int(r.Failed), Missing: int(r.Missing), Error: r.Error, FinishedAt: timeOrZero(r.FinishedAt),
	}
	probs, err := s.rq.RunProblems(ctx, dbq.RunProblemsParams{RunID: r.ID, Limit: problemsShown})
	if err != nil {
		return nil, fmt.Errorf("cache: problems of run %d: %w", r.ID, err)
	}
	for _, p := range probs {
		msg := p.Record + ": " + p.Message
		if p.Field != "" && !strings.Contains(p.Message, p.Field) {
			msg = p.Record + ": field " + p.Field + ": " + p.Message
		}
		run.Problems = append(run.Problems, msg)
	}
	return run, nil
}

func contractFromRow(r dbq.Contract, source, vendor, customerRef, customerName string, accountID int64, accountName string) app.Contract {
	return app.Contract{
		ID:         r.ID,
		Source:     source,
		Vendor:     app.Vendor(vendor),
		ExternalID: r.ExternalID,
		Kind:       app.Kind(r.Kind),
		Commodity:  app.Commodity(r.Commodity),
		Status:     r.Status,
		Customer:   app.Customer{ExternalID: customerRef, Name: customerName, AccountID: accountID, AccountName: accountName},
		Name:       r.Name,
		Product:    app.Product{Name: r.ProductName, Code: r.ProductCode},
		Parties: app.Parties{
			Supplier: r.Supplier, SupplierCode: r.SupplierCode, Buyer: r.Buyer, BuyerCode: r.BuyerCode,
			GridOperator: r.GridOperator, GridOperatorCode: r.GridOperatorCode,
		},
		ValidFrom:   timeOrZero(r.ValidFrom),
		ValidTo:     timeOrZero(r.ValidTo),
		SignedAt:    timeOrZero(r.SignedAt),
		CancelledAt: timeOrZero(r.CancelledAt),
		Prices: app.Prices{
			Currency:      r.Currency,
			BasePerYear:   decimalOrNilPtr(r.BasePerYearE6),
			WorkingPerKWh: decimalOrNilPtr(r.WorkingPerKwhE6),
			VATRate:       decimalOrNilPtr(r.VatRateE6),
		},
		AnnualConsumptionKWh: decimalOrNilPtr(r.AnnualKwhE6),
		MeterID:              r.MeterID,
		Raw:                  json.RawMessage(r.RawJson),
		FetchedAt:            time.Unix(r.FetchedAt, 0).UTC(),
		RemovedAt:            timeOrZero(r.RemovedAt),
	}
}

func unixOrNil(t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	u := t.Unix()
	return &u
}

func timeOrZero(u *int64) time.Time {
	if u == nil {
		return time.Time{}
	}
	return time.Unix(*u, 0).UTC()
}

func decimalOrNil(d *app.Decimal) *int64 {
	if d == nil {
		return nil
	}
	v := int64(*d)
	return &v
}

func decimalOrNilPtr(v *int64) *app.Decimal {
	if v == nil {
		return nil
	}
	d := app.Decimal(*v)
	return &d
}

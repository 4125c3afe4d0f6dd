package web

import (
	"encoding/json"
	"strconv"
	"time"

	"wattfolio/app"
	"wattfolio/app/offer"
	"wattfolio/app/outbox"
	"wattfolio/app/series"
	"wattfolio/frontend/views"
)

// The JSON twins' documents. Field names are part of the interface scripts
// rely on: add fields, never rename them. Amounts are *jsonDecimal (a
// string, null when unknown) and instants *time.Time in UTC (null when
// unknown), so that "not known" never reads as zero.

// sliceDoc is the team's book a cache is a slice of: null for a cache
// synced on its own.
type sliceDoc struct {
	Book      string    `json:"book"`
	Customers int       `json:"customers"`
	PulledAt  time.Time `json:"pulled_at"`
}

func sliceDocOf(s *app.Slice) *sliceDoc {
	if s == nil {
		return nil
	}
	return &sliceDoc{Book: s.Book, Customers: s.Customers, PulledAt: s.PulledAt.UTC()}
}

func utcPtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// docsOf maps a page's values to their documents; never null in JSON.
func docsOf[T, D any](xs []T, doc func(T) D) []D {
	out := make([]D, len(xs))
	for i, x := range xs {
		out[i] = doc(x)
	}
	return out
}

func decPtr(d *app.Decimal) *jsonDecimal { return (*jsonDecimal)(d) }

func decVal(d app.Decimal) *jsonDecimal { return (*jsonDecimal)(&d) }

type (
	contractDoc struct {
		ID                   int64           `json:"id"`
		URL                  string          `json:"url"`
		Source               string          `json:"source"`
		Vendor               app.Vendor      `json:"vendor"`
		ExternalID           string          `json:"external_id"`
		Kind                 app.Kind        `json:"kind"`
		Commodity            app.Commodity   `json:"commodity"`
		Status               string          `json:"status"`
		Name                 string          `json:"name"`
		Customer             customerRefDoc  `json:"customer"`
		Product              string          `json:"product"`
		ProductCode          string          `json:"product_code"`
		Supplier             string          `json:"supplier"`
		Buyer                string          `json:"buyer"`
		GridOperator         string          `json:"grid_operator"`
		ValidFrom            *time.Time      `json:"valid_from"`
		ValidTo              *time.Time      `json:"valid_to"`
		SignedAt             *time.Time      `json:"signed_at"`
		CancelledAt          *time.Time      `json:"cancelled_at"`
		Currency             string          `json:"currency"`
		BasePerYear          *jsonDecimal    `json:"base_per_year"`
		WorkingPerKWh        *jsonDecimal    `json:"working_per_kwh"`
		VATRate              *jsonDecimal    `json:"vat_rate"`
		AnnualConsumptionKWh *jsonDecimal    `json:"annual_consumption_kwh"`
		MeterID              string          `json:"meter_id"`
		Partner              *partnerDoc     `json:"partner,omitempty"`
		PPA                  *ppaDoc         `json:"ppa,omitempty"`
		Flexibility          *flexibilityDoc `json:"flexibility,omitempty"`
		FetchedAt            *time.Time      `json:"fetched_at"`
		Removed              bool            `json:"removed"`
		RemovedAt            *time.Time      `json:"removed_at"`
	}
	// customerRefDoc is the contract's customer: the user's own (account)
	// when the sources file links it, and the vendor's id and name.
	customerRefDoc struct {
		Linked      bool   `json:"linked"`
		AccountID   int64  `json:"account_id,omitempty"`
		AccountName string `json:"account_name,omitempty"`
		ExternalID  string `json:"external_id"`
		Name        string `json:"name"`
	}
	partnerDoc struct {
		UserID                     string          `json:"user_id"`
		ContractType               string          `json:"contract_type"`
		BuildingID                 string          `json:"building_id"`
		IncludesExternalComponents *bool           `json:"includes_external_components"`
		Prices                     []pricePointDoc `json:"prices"`
	}
	pricePointDoc struct {
		From   time.Time    `json:"from"`
		PerKWh *jsonDecimal `json:"per_kwh"`
	}
	ppaDoc struct {
		Type            string       `json:"type"`
		Period          string       `json:"period"`
		DeliveryProfile string       `json:"delivery_profile"`
		AssetID         string       `json:"asset_id"`
		AssetName       string       `json:"asset_name"`
		Technology      string       `json:"technology"`
		NominalPowerMW  *jsonDecimal `json:"nominal_power_mw"`
	}
	flexibilityDoc struct {
		AssetID                  string       `json:"asset_id"`
		AssetName                string       `json:"asset_name"`
		ReservationFee           *jsonDecimal `json:"reservation_fee"`
		ActivationFeeWorkdays    *jsonDecimal `json:"activation_fee_workdays"`
		ActivationFeeNonWorkdays *jsonDecimal `json:"activation_fee_non_workdays"`
		MaxPowerPerActivationKW  *jsonDecimal `json:"max_power_per_activation_kw"`
	}
)

func contractDocOf(c views.Chrome, ct app.Contract) contractDoc {
	d := contractDoc{
		ID: ct.ID, URL: c.ContractLink(ct.ID), Source: ct.Source, Vendor: ct.Vendor, ExternalID: ct.ExternalID,
		Kind: ct.Kind, Commodity: ct.Commodity, Status: ct.Status, Name: ct.Name,
		Customer: customerRefDoc{Linked: ct.Customer.AccountID != 0,
			AccountID: ct.Customer.AccountID, AccountName: ct.Customer.AccountName,
			ExternalID: ct.Customer.ExternalID, Name: ct.Customer.Name},
		Product: ct.Product.Name, ProductCode: ct.Product.Code,
		Supplier: ct.Parties.Supplier, Buyer: ct.Parties.Buyer, GridOperator: ct.Parties.GridOperator,
		ValidFrom: utcPtr(ct.ValidFrom), ValidTo: utcPtr(ct.ValidTo), SignedAt: utcPtr(ct.SignedAt), CancelledAt: utcPtr(ct.CancelledAt),
		Currency: ct.Prices.Currency, BasePerYear: decPtr(ct.Prices.BasePerYear), WorkingPerKWh: decPtr(ct.Prices.WorkingPerKWh),
		VATRate: decPtr(ct.Prices.VATRate), AnnualConsumptionKWh: decPtr(ct.AnnualConsumptionKWh), MeterID: ct.MeterID,
		FetchedAt: utcPtr(ct.FetchedAt), Removed: ct.Removed(), RemovedAt: utcPtr(ct.RemovedAt),
	}
	if p := ct.Partner; p != nil {
		pd := &partnerDoc{UserID: p.UserID, ContractType: p.ContractType, BuildingID: p.BuildingID,
			IncludesExternalComponents: p.IncludesExternalComponents, Prices: []pricePointDoc{}}
		for _, pp := range p.Prices {
			pd.Prices = append(pd.Prices, pricePointDoc{From: pp.From.UTC(), PerKWh: decVal(pp.PerKWh)})
		}
		d.Partner = pd
	}
	if p := ct.PPA; p != nil {
		d.PPA = &ppaDoc{Type: p.PPAType, Period: p.Period, DeliveryProfile: p.DeliveryProfile, AssetID: p.AssetID,
			AssetName: p.AssetName, Technology: p.Technology, NominalPowerMW: decPtr(p.NominalPowerMW)}
	}
	if f := ct.Flexibility; f != nil {
		d.Flexibility = &flexibilityDoc{AssetID: f.AssetID, AssetName: f.AssetName, ReservationFee: decPtr(f.ReservationFee),
			ActivationFeeWorkdays: decPtr(f.ActivationFeeWorkdays), ActivationFeeNonWorkdays: decPtr(f.ActivationFeeNonWorkdays),
			MaxPowerPerActivationKW: decPtr(f.MaxPowerPerActivation)}
	}
	return d
}

func contractDocs(c views.Chrome, cs []app.Contract) []contractDoc {
	return docsOf(cs, func(ct app.Contract) contractDoc { return contractDocOf(c, ct) })
}

// portfolioDoc is the portfolio's twin: the filters as applied, the page
// and its contracts.
type portfolioDoc struct {
	Slice     *sliceDoc     `json:"slice"`
	Filters   filtersDoc    `json:"filters"`
	Page      int           `json:"page"`
	Pages     int           `json:"pages"`
	Per       int           `json:"per"`
	Total     int           `json:"total"`
	Removed   int           `json:"removed"`
	Contracts []contractDoc `json:"contracts"`
	Facets    *facetsDoc    `json:"facets,omitempty"`
	Next      string        `json:"next,omitempty"`
	Prev      string        `json:"prev,omitempty"`
}

type filtersDoc struct {
	Source    string `json:"source"`
	Vendor    string `json:"vendor"`
	Kind      string `json:"kind"`
	Commodity string `json:"commodity"`
	Status    string `json:"status"`
	Upstream  string `json:"upstream"`
	Account   int64  `json:"account,omitempty"`
	ActiveOn  string `json:"active_on"`
	Q         string `json:"q"`
	Sort      string `json:"sort"`
	Desc      bool   `json:"desc"`
}

// facetsDoc counts the contracts per value of a filter under the other
// filters; nil where the page shows no counts.
type facetsDoc struct {
	Status    []facetDoc `json:"status"`
	Vendor    []facetDoc `json:"vendor"`
	Commodity []facetDoc `json:"commodity"`
}

type facetDoc struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

func portfolioDocOf(m views.Portfolio) portfolioDoc {
	f := m.Filter
	d := portfolioDoc{
		Slice: sliceDocOf(m.Slice),
		Filters: filtersDoc{Source: f.Source, Vendor: f.Vendor, Kind: f.Kind, Commodity: f.Commodity, Status: f.Status,
			Upstream: f.Upstream, Account: f.Account, ActiveOn: f.ActiveOn, Q: f.Q, Sort: f.Sort, Desc: f.Desc},
		Page: m.PageNo, Pages: m.Pages, Per: f.Per, Total: m.Page.Total, Removed: m.Options.Removed,
		Contracts: contractDocs(m.Chrome, m.Page.Contracts),
	}
	if fc := m.Facets; fc != nil {
		d.Facets = &facetsDoc{Status: facetDocs(fc.Status), Vendor: facetDocs(fc.Vendor), Commodity: facetDocs(fc.Commodity)}
	}
	if m.PageNo < m.Pages {
		d.Next = twinLink(m.PageLink(m.PageNo + 1))
	}
	if m.PageNo > 1 {
		d.Prev = twinLink(m.PageLink(m.PageNo - 1))
	}
	return d
}

func facetDocs(cs []app.FacetCount) []facetDoc {
	return docsOf(cs, func(c app.FacetCount) facetDoc { return facetDoc{Value: c.Value, Count: c.Count} })
}

// twinLink is the JSON twin of a page's link.
func twinLink(link string) string {
	path, query, ok := cutQuery(link)
	if path == "/" {
		path = "/contracts"
	}
	if ok {
		return path + twinSuffix + "?" + query
	}
	return path + twinSuffix
}

func cutQuery(link string) (path, query string, ok bool) {
	for i := 0; i < len(link); i++ {
		if link[i] == '?' {
			return link[:i], link[i+1:], true
		}
	}
	return link, "", false
}

// contractPageDoc is the contract page's twin.
type contractPageDoc struct {
	contractDoc
	// VendorJSON is the vendor's record, personal data masked unless
	// PersonalShown.
	VendorJSON     json.RawMessage `json:"vendor_json"`
	PersonalMasked bool            `json:"personal_data_masked"`
	History        []changeDoc     `json:"history"`
	Meters         []meterRefDoc   `json:"meters"`
	Edits          *editsDoc       `json:"edits,omitempty"`
}

type changeDoc struct {
	Field string     `json:"field"`
	Old   string     `json:"old"`
	New   string     `json:"new"`
	RunID int64      `json:"run_id"`
	At    *time.Time `json:"at"`
}

type meterRefDoc struct {
	ID     int64  `json:"id"`
	URL    string `json:"url"`
	Number string `json:"number"`
	Label  string `json:"label"`
}

// editsDoc is a contract's offline edit and the user's notes.
type editsDoc struct {
	Editable bool       `json:"editable"`
	Change   *outboxDoc `json:"change"`
	Notes    notesDoc   `json:"notes"`
}

type notesDoc struct {
	Text        string     `json:"text"`
	Tags        []string   `json:"tags"`
	NextContact string     `json:"next_contact"`
	UpdatedAt   *time.Time `json:"updated_at"`
}

// outboxDoc is one offline edit as the Changes page shows it.
type outboxDoc struct {
	ID           string            `json:"id"`
	State        string            `json:"state"`
	Source       string            `json:"source"`
	ContractID   string            `json:"contract_external_id"`
	ContractRef  int64             `json:"contract_id,omitempty"`
	ContractName string            `json:"contract_name"`
	Fields       []string          `json:"fields"`
	Base         map[string]string `json:"base"`
	New          map[string]string `json:"new"`
	Theirs       map[string]string `json:"theirs,omitempty"`
	Message      string            `json:"message,omitempty"`
	Attempts     int               `json:"attempts"`
	CreatedAt    *time.Time        `json:"created_at"`
	UpdatedAt    *time.Time        `json:"updated_at"`
}

func outboxDocOf(c *outbox.Change) *outboxDoc {
	if c == nil {
		return nil
	}
	return &outboxDoc{ID: c.ID, State: c.State, Source: c.Source, ContractID: c.ContractID, ContractRef: c.ContractRef,
		ContractName: c.ContractName, Fields: c.Fields(), Base: c.Base, New: c.New, Theirs: c.Theirs, Message: c.Message,
		Attempts: c.Attempts, CreatedAt: utcPtr(c.CreatedAt), UpdatedAt: utcPtr(c.UpdatedAt)}
}

func outboxDocs(cs []outbox.Change) []*outboxDoc {
	return docsOf(cs, func(c outbox.Change) *outboxDoc { return outboxDocOf(&c) })
}

func meterRefs(c views.Chrome, ms []series.Meter) []meterRefDoc {
	return docsOf(ms, func(m series.Meter) meterRefDoc {
		return meterRefDoc{ID: m.ID, URL: c.Link("/meters/"+strconv.FormatInt(m.ID, 10), nil), Number: m.Number, Label: m.Label}
	})
}

func contractPageDocOf(m views.Contract) contractPageDoc {
	d := contractPageDoc{contractDoc: contractDocOf(m.Chrome, m.C), PersonalMasked: m.Personal.Masked && !m.Personal.Shown,
		Meters: meterRefs(m.Chrome, m.Meters), History: docsOf(m.History, func(ch app.Change) changeDoc {
			return changeDoc{Field: ch.Field, Old: ch.Old, New: ch.New, RunID: ch.RunID, At: utcPtr(ch.At)}
		})}
	if json.Valid([]byte(m.Raw)) {
		d.VendorJSON = json.RawMessage(m.Raw)
	} else if m.Raw != "" {
		d.VendorJSON, _ = json.Marshal(m.Raw) // what the vendor sent, as text
	}
	if e := m.Edits; e != nil {
		d.Edits = &editsDoc{Editable: e.Editable, Change: outboxDocOf(e.Change),
			Notes: notesDoc{Text: e.Notes.Text, Tags: e.Notes.Tags, UpdatedAt: utcPtr(e.Notes.UpdatedAt)}}
		if d.Edits.Notes.Tags == nil {
			d.Edits.Notes.Tags = []string{}
		}
		if !e.Notes.NextContact.IsZero() {
			d.Edits.Notes.NextContact = e.Notes.NextContact.UTC().Format(time.DateOnly)
		}
	}
	return d
}

// accountDoc is one of the user's customers.
type accountDoc struct {
	ID        int64              `json:"id"`
	URL       string             `json:"url"`
	Name      string             `json:"name"`
	Profile   string             `json:"profile"`
	Contracts map[app.Vendor]int `json:"contracts_by_vendor"`
	Total     int                `json:"contracts"`
	Links     []accountLinkDoc   `json:"links,omitempty"` // on a customer's own twin
}

type accountLinkDoc struct {
	Source     string     `json:"source"`
	Vendor     app.Vendor `json:"vendor,omitempty"`
	ExternalID string     `json:"external_id"`
}

func accountDocOf(c views.Chrome, a app.Account) accountDoc {
	d := accountDoc{ID: a.ID, URL: c.Link("/customers/"+views.ID(a.ID), nil), Name: a.Name, Profile: a.Profile,
		Contracts: a.Contracts, Total: a.Total()}
	if d.Contracts == nil {
		d.Contracts = map[app.Vendor]int{}
	}
	for _, l := range a.Links {
		d.Links = append(d.Links, accountLinkDoc{Source: l.Source, ExternalID: l.ExternalID})
	}
	return d
}

type customersDoc struct {
	Customers []accountDoc `json:"customers"`
}

func customersDocOf(m views.Customers) customersDoc {
	return customersDoc{Customers: docsOf(m.Accounts, func(a app.Account) accountDoc { return accountDocOf(m.Chrome, a) })}
}

// customerDoc is a customer page's twin: the customer, its contracts from
// every vendor, its meters and the current contracts priced on its curve.
type customerDoc struct {
	accountDoc
	Contracts   []contractDoc `json:"contract_list"`
	Truncated   bool          `json:"truncated"`
	Meters      []meterRefDoc `json:"meters"`
	Costs       *compareDoc   `json:"annual_costs,omitempty"`
	CostProblem string        `json:"annual_costs_problem,omitempty"`
}

func customerDocOf(m views.Customer, costs *compareDoc) customerDoc {
	d := customerDoc{accountDoc: accountDocOf(m.Chrome, m.A), Truncated: m.Truncated, Meters: meterRefs(m.Chrome, m.Meters),
		Costs: costs, CostProblem: m.CostProblem, Contracts: []contractDoc{}}
	for i, l := range m.Links {
		d.Links[i].Vendor = l.Vendor
	}
	for _, s := range m.Sections {
		d.Contracts = append(d.Contracts, contractDocs(m.Chrome, s.Contracts)...)
	}
	return d
}

// meterDoc is a meter page's twin: the chart's buckets for the range and
// resolution chosen, and the months of the range's year.
type meterDoc struct {
	ID          int64       `json:"id"`
	Number      string      `json:"number"`
	Label       string      `json:"label"`
	Source      string      `json:"source"`
	ExternalID  string      `json:"external_id"`
	Unit        string      `json:"unit"`
	Zone        string      `json:"zone"`
	DataFrom    *time.Time  `json:"data_from"`
	DataTo      *time.Time  `json:"data_to"`
	ContractURL string      `json:"contract_url,omitempty"`
	CSVURL      string      `json:"csv_url"`
	From        string      `json:"from"`
	To          string      `json:"to"`
	Resolution  string      `json:"resolution"`
	Currency    string      `json:"currency"`
	Total       bucketDoc   `json:"total"`
	Buckets     []bucketDoc `json:"buckets"`
	Months      []bucketDoc `json:"months"`
}

// bucketDoc is one bar of a meter's chart; a channel without readings is null.
type bucketDoc struct {
	Start          time.Time    `json:"start"`
	End            time.Time    `json:"end"`
	ConsumptionKWh *jsonDecimal `json:"consumption_kwh"`
	FeedInKWh      *jsonDecimal `json:"feed_in_kwh"`
	Cost           *jsonDecimal `json:"cost"`
	PriceMean      *jsonDecimal `json:"price_mean"`
	PriceMin       *jsonDecimal `json:"price_min"`
	PriceMax       *jsonDecimal `json:"price_max"`
	Readings       int64        `json:"readings"`
}

func bucketDocOf(b series.Bucket) bucketDoc {
	d := bucketDoc{Start: b.Start.UTC(), End: b.End.UTC(), Readings: b.Readings}
	if b.HasConsumption {
		d.ConsumptionKWh = decVal(b.Consumption)
	}
	if b.HasFeedIn {
		d.FeedInKWh = decVal(b.FeedIn)
	}
	if b.HasCost {
		d.Cost = decVal(b.Cost)
	}
	if mean, ok := b.PriceMean(); ok && b.HasPrice {
		d.PriceMean, d.PriceMin, d.PriceMax = decVal(mean), decVal(b.PriceMin), decVal(b.PriceMax)
	}
	return d
}

func meterDocOf(m views.Meter, id int64, buckets []series.Bucket) meterDoc {
	return meterDoc{ID: id, Number: m.M.Number, Label: m.M.Label, Source: m.M.Source, ExternalID: m.M.ExternalID,
		Unit: m.M.Unit, Zone: m.M.Zone, DataFrom: utcPtr(m.M.DataFrom), DataTo: utcPtr(m.M.DataTo),
		ContractURL: m.ContractURL, CSVURL: m.CSVURL, From: m.From, To: m.To, Resolution: m.Res, Currency: m.Currency,
		Total: bucketDocOf(m.Total), Buckets: docsOf(buckets, bucketDocOf), Months: docsOf(m.Months, bucketDocOf)}
}

// offerDoc is a stored offer: what it costs as the offers page lists it.
type offerDoc struct {
	ID            int64         `json:"id,omitempty"`
	URL           string        `json:"url,omitempty"`
	Name          string        `json:"name"`
	Supplier      string        `json:"supplier"`
	Commodity     app.Commodity `json:"commodity"`
	Model         string        `json:"model"`
	Currency      string        `json:"currency"`
	Gross         bool          `json:"gross"`
	VATRate       *jsonDecimal  `json:"vat_rate"`
	BasePerYear   *jsonDecimal  `json:"base_per_year"`
	WorkingPerKWh *jsonDecimal  `json:"working_per_kwh"`
	MinTermMonths int           `json:"min_term_months"`
	Bonus         *jsonDecimal  `json:"bonus_total"`
	ValidFrom     *time.Time    `json:"valid_from"`
	ValidTo       *time.Time    `json:"valid_to"`
	State         string        `json:"state,omitempty"`
	Notes         string        `json:"notes"`
	UpdatedAt     *time.Time    `json:"updated_at"`
}

func offerDocOf(c views.Chrome, o offer.Offer) offerDoc {
	t := o.Tariff
	d := offerDoc{ID: o.ID, Name: o.Name, Supplier: o.Supplier, Commodity: o.Commodity, Model: string(t.Model),
		Currency: t.Currency, Gross: t.Gross, VATRate: decVal(t.VATRate), BasePerYear: decVal(t.BasePerYear),
		WorkingPerKWh: decVal(t.WorkingPerKWh), MinTermMonths: t.MinTermMonths, Bonus: decVal(o.BonusTotal()),
		ValidFrom: utcPtr(o.ValidFrom), ValidTo: utcPtr(o.ValidTo), Notes: o.Notes, UpdatedAt: utcPtr(o.UpdatedAt)}
	if o.ID != 0 {
		d.URL = c.OfferLink(o.ID, "edit")
	}
	return d
}

type offersDoc struct {
	Offers []offerDoc `json:"offers"`
}

func offersDocOf(m views.Offers) offersDoc {
	return offersDoc{Offers: docsOf(m.Offers, func(o offer.Offer) offerDoc {
		d := offerDocOf(m.Chrome, o)
		d.State = m.OfferState(o)
		return d
	})}
}

// changesDoc is the Changes page's twin: the offline edits by state.
type changesDoc struct {
	CanSend   bool         `json:"can_send"`
	Pending   []*outboxDoc `json:"pending"`
	Attention []*outboxDoc `json:"attention"`
	Sent      []*outboxDoc `json:"sent"`
}

func changesDocOf(m views.Changes) changesDoc {
	return changesDoc{CanSend: m.CanSend, Pending: outboxDocs(m.Pending), Attention: outboxDocs(m.Attention), Sent: outboxDocs(m.Sent)}
}

// syncDoc is the sync page's twin: each source, its last run and how old
// its data is.
type syncDoc struct {
	Slice      *sliceDoc   `json:"slice"`
	Running    bool        `json:"running"`
	LastFailed bool        `json:"last_failed"`
	CanSync    bool        `json:"can_sync"`
	Sources    []sourceDoc `json:"sources"`
}

type sourceDoc struct {
	Name        string      `json:"name"`
	Vendor      app.Vendor  `json:"vendor"`
	BaseURL     string      `json:"base_url"`
	Contracts   int         `json:"contracts"`
	LastSuccess *time.Time  `json:"last_success"`
	Stale       bool        `json:"stale"`
	LastRun     *syncRunDoc `json:"last_run"`
}

type syncRunDoc struct {
	ID         int64         `json:"id"`
	Status     app.RunStatus `json:"status"`
	StartedAt  *time.Time    `json:"started_at"`
	FinishedAt *time.Time    `json:"finished_at"`
	Stored     int           `json:"stored"`
	Rejected   int           `json:"rejected"`
	Missing    int           `json:"missing"`
	Error      string        `json:"error"`
	Problems   []string      `json:"problems"`
}

func syncDocOf(m views.Sync) syncDoc {
	d := syncDoc{Slice: sliceDocOf(m.Slice), Running: m.Running, LastFailed: m.LastFailed, CanSync: m.CanSync, Sources: make([]sourceDoc, len(m.Sources))}
	for i, s := range m.Sources {
		sd := sourceDoc{Name: s.Name, Vendor: s.Vendor, BaseURL: s.BaseURL, Contracts: s.Contracts, LastSuccess: utcPtr(s.LastSuccess)}
		age, ok := s.Staleness(m.Fmt.Now)
		sd.Stale = !ok || age > m.StaleAfter
		if r := s.LastRun; r != nil {
			sd.LastRun = &syncRunDoc{ID: r.ID, Status: r.Status, StartedAt: utcPtr(r.StartedAt), FinishedAt: utcPtr(r.FinishedAt),
				Stored: r.Fetched, Rejected: r.Failed, Missing: r.Missing, Error: r.Error, Problems: r.Problems}
			if sd.LastRun.Problems == nil {
				sd.LastRun.Problems = []string{}
			}
		}
		d.Sources[i] = sd
	}
	return d
}

package views

import (
	"cmp"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"wattfolio/app"
	"wattfolio/app/compare"
	"wattfolio/app/series"
	"wattfolio/app/vendor"
)

// CustomerVendors are the vendors in the order the customer pages show them:
// retail supply first, then the others (prosumer, otark, Podero), each group
// in the registry's order.
func CustomerVendors() []app.Vendor {
	all := vendor.All()
	slices.SortStableFunc(all, func(a, b vendor.Info) int {
		return cmp.Compare(rank(a), rank(b))
	})
	out := make([]app.Vendor, len(all))
	for i, in := range all {
		out[i] = in.Name
	}
	return out
}

// CustomerExample is the sources-file block the customer pages' empty state
// shows.
const CustomerExample = `[[customer]]
name = "Hof Sonnenschein"
# the customer's id at each source, by source name
ids = { stadtwerke-enneo = ["K-1001"], prosumer-main = ["C-9"], otark-trading = ["11XHOFSONNE----1"], podero = ["u-4711"] }`

// CustomerLink is one of the user's customers' page.
func (c Chrome) CustomerLink(id int64) string {
	return c.Link("/customers/"+strconv.FormatInt(id, 10), nil)
}

// rank puts retail supply first.
func rank(in vendor.Info) int {
	if in.Layout == vendor.Retail {
		return 0
	}
	return 1
}

// Customers is the list of the user's customers.
type Customers struct {
	Chrome
	Accounts []app.Account
}

// Count is a's number of contracts at vendor v.
func (m Customers) Count(a app.Account, v app.Vendor) int { return a.Contracts[v] }

// Total is the number of contracts over all customers at vendor v, or at
// every vendor when v is "".
func (m Customers) Total(v app.Vendor) int {
	n := 0
	for _, a := range m.Accounts {
		if v == "" {
			n += a.Total()
		} else {
			n += a.Contracts[v]
		}
	}
	return n
}

// CustomerLinkRow is one id the customer has at a configured source.
type CustomerLinkRow struct {
	Source     string
	Vendor     app.Vendor // "" when the source is not (or no longer) configured
	ExternalID string
}

// VendorSection is one vendor's contracts of a customer.
type VendorSection struct {
	Vendor    app.Vendor
	Contracts []app.Contract
}

// Title names the section: "enneo · retail".
func (s VendorSection) Title(f Fmt) string {
	in := vendor.Of(s.Vendor)
	if in.Area == "" {
		return in.Label
	}
	return in.Label + " · " + f.T(in.Area)
}

// Layout is the table the section's contracts are shown in.
func (s VendorSection) Layout() vendor.Layout { return vendor.Of(s.Vendor).Layout }

// Customer is one of the user's customers with all its contracts.
type Customer struct {
	Chrome
	A        app.Account
	Links    []CustomerLinkRow
	Sections []VendorSection
	Meters   []series.Meter // of the customer's contracts
	// Shown is the number of contracts on the page; Truncated is true when
	// the customer has more than a page shows (the export has them all).
	Shown     int
	Truncated bool
	// Costs prices the current contracts on the customer's curve: nil
	// when there is no compare page; CostProblem says why there are no
	// figures. CompareURL opens the comparison.
	Costs       *compare.Comparison
	CostProblem string
	CompareURL  string
}

// ExportLink downloads all of the customer's contracts.
func (m Customer) ExportLink() string {
	return m.Link("/contracts.csv", url.Values{"account": {strconv.FormatInt(m.A.ID, 10)}})
}

// PortfolioLink is the portfolio filtered to the customer.
func (m Customer) PortfolioLink() string {
	return m.Link("/contracts", url.Values{"account": {strconv.FormatInt(m.A.ID, 10)}, "sort": {string(app.SortSource)}})
}

// Sections splits contracts by vendor in CustomerVendors order; vendors
// without contracts have no section, unknown vendors come last.
func Sections(cs []app.Contract) []VendorSection {
	by := map[app.Vendor][]app.Contract{}
	order := CustomerVendors()
	var extra []app.Vendor
	for _, c := range cs {
		if _, ok := by[c.Vendor]; !ok && !slices.Contains(order, c.Vendor) {
			extra = append(extra, c.Vendor)
		}
		by[c.Vendor] = append(by[c.Vendor], c)
	}
	var out []VendorSection
	for _, v := range append(order, extra...) {
		if len(by[v]) > 0 {
			out = append(out, VendorSection{Vendor: v, Contracts: by[v]})
		}
	}
	return out
}

// Validity is a contract's term in one cell: "01.01.2025 – 31.12.2026".
func (f Fmt) Validity(c app.Contract) string {
	switch {
	case c.ValidFrom.IsZero() && c.ValidTo.IsZero():
		return dash
	case c.ValidTo.IsZero():
		return f.Tf("from %s", f.Date(c.ValidFrom))
	case c.ValidFrom.IsZero():
		return f.Tf("until %s", f.Date(c.ValidTo))
	}
	return f.Date(c.ValidFrom) + " – " + f.Date(c.ValidTo)
}

// ContractGroup is a run of portfolio rows with one customer.
type ContractGroup struct {
	// Header is false when the table is not grouped: one group, no header row.
	Header     bool
	Name       string
	AccountID  int64
	ExternalID string // the vendor's customer id when not linked to an account
	Contracts  []app.Contract
}

// Groups splits the page's rows into runs of one customer when the list is
// sorted by customer, so that each run gets a header row; otherwise it is
// one group without a header.
func (m Portfolio) Groups() []ContractGroup {
	if m.Filter.Sort != string(app.SortCustomer) {
		return []ContractGroup{{Contracts: m.Page.Contracts}}
	}
	var out []ContractGroup
	last := ""
	for _, c := range m.Page.Contracts {
		key := groupKey(c.Customer)
		if len(out) == 0 || key != last {
			g := ContractGroup{Header: true, Name: c.Customer.DisplayName(), AccountID: c.Customer.AccountID}
			if c.Customer.AccountID == 0 {
				g.ExternalID = c.Customer.ExternalID
			}
			out = append(out, g)
			last = key
		}
		out[len(out)-1].Contracts = append(out[len(out)-1].Contracts, c)
	}
	return out
}

// groupKey is what "the same customer" means in the grouped portfolio: the
// same account when linked, else the same name, as the store sorts them.
func groupKey(c app.Customer) string {
	if c.AccountID != 0 {
		return "a" + strconv.FormatInt(c.AccountID, 10)
	}
	return "n" + strings.ToLower(c.Name) + "\x00" + c.ExternalID
}

// AccountChoices are the customers the Customer filter offers, with the
// current one added when the address names an unknown id.
func (m Portfolio) AccountChoices() []app.Account {
	name := m.Fmt.Tf("Customer #%s", strconv.FormatInt(m.Filter.Account, 10))
	if m.Filter.Account == 0 || slices.ContainsFunc(m.Accounts, func(a app.Account) bool { return a.ID == m.Filter.Account }) {
		return m.Accounts
	}
	return append(slices.Clip(m.Accounts), app.Account{ID: m.Filter.Account, Name: name})
}

// ID is an id as a form value.
func ID(id int64) string { return strconv.FormatInt(id, 10) }

// HasAccountFilter is true when the portfolio offers the Customer filter.
func (m Portfolio) HasAccountFilter() bool { return len(m.Accounts) > 0 || m.Filter.Account != 0 }

// customerTitle is the tooltip of a portfolio customer cell: the vendor's
// name for a linked customer, so both names can be seen.
func (f Fmt) customerTitle(c app.Customer) string {
	if c.AccountName != "" && c.Name != "" && c.Name != c.AccountName {
		return f.Tf("%s (at the vendor: %s)", c.AccountName, c.Name)
	}
	return c.DisplayName()
}

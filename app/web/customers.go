package web

import (
	"errors"
	"fmt"
	"net/http"

	"wattfolio/app"
	"wattfolio/app/compare"
	"wattfolio/frontend/views"
)

// maxCustomerContracts bounds the contracts one customer page lists; the
// CSV export of the customer has them all.
const maxCustomerContracts = 1000

// errEnough stops EachContract once a page has what it can show.
var errEnough = errors.New("enough contracts for one page")

// customers lists the user's customers with their contracts per vendor.
func (h *handler) customers(w http.ResponseWriter, r *http.Request) {
	c, err := h.chrome(w, r, views.T(r.Context(), "Customers"), "customers")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	accounts, err := h.o.Accounts.Accounts(r.Context())
	if err != nil {
		h.fail(w, r, fmt.Errorf("accounts: %w", err))
		return
	}
	m := views.Customers{Chrome: c, Accounts: accounts}
	h.respond(w, r, http.StatusOK, views.CustomersPage(m), func() any { return customersDocOf(m) })
}

// customer shows one of the user's customers: its ids at each source and
// all its contracts, a section per vendor.
func (h *handler) customer(w http.ResponseWriter, r *http.Request) {
	c, err := h.chrome(w, r, views.T(r.Context(), "Customer"), "customers")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	id, err := pathID(r, "customer")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ctx := r.Context()
	a, err := h.o.Accounts.Account(ctx, id)
	if err != nil {
		h.fail(w, r, fmt.Errorf("account %d: %w", id, err))
		return
	}
	sources, err := h.o.Sources.SourceStatuses(ctx)
	if err != nil {
		h.fail(w, r, fmt.Errorf("source statuses: %w", err))
		return
	}
	vendorOf := make(map[string]app.Vendor, len(sources))
	for _, s := range sources {
		vendorOf[s.Name] = s.Vendor
	}
	m := views.Customer{Chrome: c, A: a}
	m.Title = a.Name
	for _, l := range a.Links {
		m.Links = append(m.Links, views.CustomerLinkRow{Source: l.Source, Vendor: vendorOf[l.Source], ExternalID: l.ExternalID})
	}
	var cs []app.Contract
	f := app.ContractFilter{Account: id, Sort: app.SortName}
	err = h.o.Contracts.EachContract(ctx, f, func(ct app.Contract) error {
		if len(cs) == maxCustomerContracts {
			m.Truncated = true
			return errEnough
		}
		cs = append(cs, ct)
		return nil
	})
	if err != nil && !errors.Is(err, errEnough) {
		h.fail(w, r, fmt.Errorf("contracts of account %d: %w", id, err))
		return
	}
	m.Sections = views.Sections(cs)
	m.Shown = len(cs)
	if h.o.Meters != nil {
		// The meters of the customer's contracts (epilot's, today), each
		// linked to its page of load curve, prices and costs.
		if m.Meters, err = h.o.Meters.MetersOfAccount(ctx, id); err != nil {
			h.fail(w, r, fmt.Errorf("meters of account %d: %w", id, err))
			return
		}
	}
	if h.o.Compare != nil {
		m.CompareURL = c.Link("/customers/"+views.ID(id)+"/compare", nil)
		m.Costs, err = h.runComparison(ctx, compare.Request{Account: a, Now: h.o.Now(),
			Curve: compare.CurveRequest{Zone: h.o.Location}, FlexPlan: compare.DefaultFlexPlan})
		if err != nil {
			if ctx.Err() != nil {
				h.fail(w, r, err)
				return
			}
			m.CostProblem = err.Error()
		}
	}
	h.respond(w, r, http.StatusOK, views.CustomerPage(m), func() any {
		var costs *compareDoc
		if m.Costs != nil {
			d := comparisonDoc(&compared{acct: a, cmp: m.Costs, inputs: inputsOf(m.Costs)}, h.o.Now())
			costs = &d
		}
		return customerDocOf(m, costs)
	})
}

package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"wattfolio/app"
	"wattfolio/app/compare"
	"wattfolio/app/tariff"
	"wattfolio/app/tariff/slp"
	"wattfolio/frontend/views"
)

// OfferLister lists the offers stored in the cache, to put beside a
// customer's contracts. Each Alternative has the offer's ID, Name and Tariff.
type OfferLister interface {
	Alternatives(ctx context.Context) ([]compare.Alternative, error)
}

// A comparison shows 2 to 6 options: fewer compares nothing, more does not
// fit a printed A4 page side by side.
const minOptions, maxOptions = 2, 6

// maxTemplates bounds the "another customer's contract" picker.
const maxTemplates = 300

// Scaling a curve by more than this stops being the same customer.
const minScale, maxScale = -50, 100

// requestError is a request the handler understands but cannot carry out
// as asked; it answers 400 with Msg.
// requestError is a request that cannot be carried out; Msg, a format
// with Args, is translated when shown (views.N marks it for the catalogue).
type requestError struct {
	Msg  string
	Args []any
}

func (e *requestError) Error() string { return fmt.Sprintf(e.Msg, e.Args...) }

var optionKey = regexp.MustCompile(`^[cto][1-9][0-9]{0,17}$`)

// compareQuery is a compare address's parameters, parsed.
type compareQuery struct {
	keys  []string // chosen options in the order given; none: the default
	curve compare.CurveRequest
	form  views.CurveForm
}

// parseCompareQuery reads the options (o) and the curve (from, to as
// YYYY-MM, to inclusive; profile; scale in percent; kwh a year) from v.
// Unusable curve values are refusals and are left out of q; a bad option
// is an error alone.
func parseCompareQuery(v url.Values, loc *time.Location) (compareQuery, error) {
	var q compareQuery
	seen := map[string]bool{}
	for _, k := range v["o"] {
		k = strings.TrimSpace(k)
		if k == "" || seen[k] {
			continue // the template picker's empty choice, or a key twice
		}
		if !optionKey.MatchString(k) {
			return q, badParam("o", clip(k), views.N("not an option key (c, t or o followed by an id, as c12 or o3)"))
		}
		seen[k] = true
		q.keys = append(q.keys, k)
	}
	if n := len(q.keys); n > 0 && (n < minOptions || n > maxOptions) {
		return q, &requestError{Msg: views.N("A comparison needs %d to %d options; this address chooses %d."), Args: []any{minOptions, maxOptions, n}}
	}
	var bad refusals
	month := func(name string) (time.Time, error) {
		s := strings.TrimSpace(v.Get(name))
		*q.form.Month(name) = s
		if s == "" {
			return time.Time{}, nil
		}
		t, err := app.ParseMonthIn(s, loc)
		if de := (*app.DayError)(nil); errors.As(err, &de) {
			*q.form.Month(name) = ""
			return time.Time{}, &paramError{Name: name, Value: clip(s), Msg: de.Reason}
		}
		if t.Year() < 2000 || t.Year() > 2100 {
			*q.form.Month(name) = ""
			return time.Time{}, badParam(name, clip(s), views.N("not a month from 2000 to 2100"))
		}
		*q.form.Month(name) = t.Format("2006-01") // links carry ISO
		return t, nil
	}
	// A refused month is left out: the curve spans a year from the other.
	from, err := month("from")
	bad.add(err)
	to, err := month("to")
	bad.add(err)
	switch {
	case !from.IsZero() && !to.IsZero():
		to = to.AddDate(0, 1, 0) // the form's "to" month is included
	case !from.IsZero():
		to = from.AddDate(1, 0, 0)
	case !to.IsZero():
		to = to.AddDate(0, 1, 0)
		from = to.AddDate(-1, 0, 0)
	}
	if !from.IsZero() {
		if !to.After(from) {
			bad.add(badParam("to", clip(v.Get("to")), views.N("before the first month")))
			q.form.To, to = "", from.AddDate(1, 0, 0)
		}
		if to.After(from.AddDate(3, 0, 0)) {
			bad.add(badParam("to", clip(v.Get("to")), views.N("more than three years after the first month")))
			q.form.To, to = "", from.AddDate(1, 0, 0)
		}
		q.curve.From, q.curve.To = from.UTC(), to.UTC()
	}
	if s := strings.TrimSpace(v.Get("profile")); s != "" {
		p, err := slp.Parse(s)
		if err != nil {
			bad.add(badParam("profile", clip(s), views.N("not a standard load profile")))
		} else {
			q.curve.Profile, q.form.Profile = p, string(p)
		}
	}
	if s := strings.TrimSpace(v.Get("scale")); s != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(s, "+"))
		if err != nil || n < minScale || n > maxScale {
			bad.add(badParamf("scale", clip(s), views.N("not a whole percentage from %d to +%d"), minScale, maxScale))
		} else {
			q.curve.ScalePercent, q.form.Scale = n, strconv.Itoa(n)
		}
	}
	if s := strings.TrimSpace(v.Get("kwh")); s != "" {
		d, err := app.ParseDecimal(strings.ReplaceAll(s, ",", "."))
		if err != nil || d <= 0 || d > app.DecimalFromInt(1_000_000_000) {
			bad.add(badParam("kwh", clip(s), views.N("not an annual consumption in kWh")))
		} else {
			q.curve.AnnualKWh, q.form.KWh = d, s
		}
	}
	return q, bad.err()
}

// compared is a comparison with what the page shows around it.
type compared struct {
	acct   app.Account
	q      compareQuery
	offers []compare.Alternative // every stored offer
	// current and templates are the choices of the option form.
	current, templates []views.Choice
	cmp                *compare.Comparison // nil when there is none; problem says why
	// problem is why no comparison could be made (no curve, typically).
	problem string
	// inputs are where each option came from and when, by option index.
	inputs []views.Input
}

// runCompare resolves the customer and the chosen options of r and prices
// them. A key that names nothing this customer can compare is a 400 naming
// it; an unknown customer is app.ErrNotFound. Refused curve values come as
// refusals beside a comparison made without them.
func (h *handler) runCompare(r *http.Request) (*compared, error) {
	id, err := pathID(r, "customer")
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	acct, err := h.o.Accounts.Account(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("account %d: %w", id, err)
	}
	q, refused := parseCompareQuery(r.URL.Query(), h.o.Location)
	var rs refusals
	if refused != nil && !errors.As(refused, &rs) {
		return nil, refused
	}
	out := &compared{acct: acct, q: q}
	if h.o.Offers != nil {
		if out.offers, err = h.o.Offers.Alternatives(ctx); err != nil {
			return nil, fmt.Errorf("offers: %w", err)
		}
	}
	req := compare.Request{Account: acct, Curve: q.curve, Now: h.o.Now(), Contracts: []int64{}, Monthly: true,
		FlexPlan: compare.DefaultFlexPlan}
	req.Curve.Zone = h.o.Location
	if out.current, out.templates, err = h.compareChoices(ctx, acct); err != nil {
		return nil, err
	}
	for _, k := range q.keys {
		n, _ := strconv.ParseInt(k[1:], 10, 64)
		switch k[0] {
		case 'c':
			req.Contracts = append(req.Contracts, n)
		case 'o':
			i := slices.IndexFunc(out.offers, func(a compare.Alternative) bool { return a.ID == n })
			if i < 0 {
				return nil, badParam("o", k, views.N("not a stored offer"))
			}
			req.Offers = append(req.Offers, out.offers[i])
		case 't':
			if _, err := h.o.Contracts.GetContract(ctx, n); errors.Is(err, app.ErrNotFound) {
				return nil, badParam("o", k, views.N("not a contract in the cache"))
			} else if err != nil {
				return nil, fmt.Errorf("template contract %d: %w", n, err)
			}
			req.Templates = append(req.Templates, n)
		}
	}
	if len(q.keys) == 0 {
		// The default: the current contracts, then offers to fill the page.
		for _, c := range out.current[:min(len(out.current), maxOptions)] {
			n, _ := strconv.ParseInt(c.Key[1:], 10, 64)
			req.Contracts = append(req.Contracts, n)
		}
		req.Offers = out.offers[:min(len(out.offers), maxOptions-len(req.Contracts))]
	}
	cmp, err := h.runComparison(ctx, req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		// Mostly a curve that cannot be built for the period chosen: the
		// page says so and keeps the form to choose another.
		h.log.Info("comparison not made", "account", id, "err", err)
		out.problem = err.Error()
		return out, refused
	}
	keys := q.keys
	if len(keys) == 0 {
		for _, o := range cmp.Options[:min(len(cmp.Options), maxOptions)] {
			keys = append(keys, o.Key())
		}
	}
	if err := cmp.Keep(keys); err != nil {
		var uk *compare.UnknownKeyError
		if !errors.As(err, &uk) {
			return nil, err
		}
		reason := views.N("not one of this customer's current electricity contracts")
		if uk.Key[0] == 'o' {
			reason = views.N("an offer for another commodity")
		}
		return nil, badParam("o", uk.Key, reason)
	}
	out.cmp = cmp
	out.inputs = inputsOf(cmp)
	return out, refused
}

// inputsOf says where each option of cmp came from and when.
func inputsOf(cmp *compare.Comparison) []views.Input {
	var inputs []views.Input
	for _, o := range cmp.Options {
		in := views.Input{Key: o.Key(), Name: o.Name, Source: views.N("offer stored in Wattfolio")}
		if o.ContractID != 0 {
			in.Source, in.Vendor, in.FetchedAt = o.Source, o.Vendor, o.FetchedAt
		}
		inputs = append(inputs, in)
	}
	return inputs
}

// comparePage shows the comparison, or its JSON when the client asks for it.
func (h *handler) comparePage(w http.ResponseWriter, r *http.Request) {
	if wantsJSON(r) {
		h.compareJSON(w, r)
		return
	}
	c, err := h.chrome(w, r, views.T(r.Context(), "Compare"), "customers")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	res, err := h.runCompare(r)
	status, ok := h.refuse(w, r, &c, err)
	if !ok {
		return
	}
	m := views.Compare{Chrome: c, A: res.acct, Cmp: res.cmp, Problem: res.problem, Form: res.q.form}
	m.Title = views.T(r.Context(), "Compare") + " · " + res.acct.Name
	m.Form.Profiles = slp.Profiles()
	m.Form.Scale = strings.TrimPrefix(m.Form.Scale, "+")
	m.Inputs = res.inputs
	chosen := map[string]bool{}
	if res.cmp != nil {
		for _, o := range res.cmp.Options {
			chosen[o.Key()] = true
		}
	}
	for _, k := range res.q.keys {
		chosen[k] = true
	}
	m.Current, m.Templates = checked(res.current, chosen), checked(res.templates, chosen)
	for _, a := range res.offers {
		k := "o" + strconv.FormatInt(a.ID, 10)
		m.Offers = append(m.Offers, views.Choice{Key: k, Label: a.Name, Sub: c.Fmt.ModelLabel(a.Tariff.Model), Checked: chosen[k]})
	}
	v := r.URL.Query()
	v.Del("print")
	m.CSVURL = c.Link(r.URL.Path+".csv", v)
	v.Set("dialect", "excel-de")
	m.CSVDEURL = c.Link(r.URL.Path+".csv", v)
	v.Del("dialect")
	m.JSONURL = c.Link(r.URL.Path+".json", v)
	m.Print = r.URL.Query().Get("print") == "1"
	h.render(w, r, status, views.ComparePage(m))
}

// compareChoices are the checkboxes of the customer's current contracts and
// the template picker: other customers' contracts that map to a tariff.
func (h *handler) compareChoices(ctx context.Context, acct app.Account) (current, templates []views.Choice, err error) {
	loc := h.o.Location
	today := h.o.Now().In(loc)
	f := app.ContractFilter{Commodity: app.CommodityElectricity, Sort: app.SortName,
		ActiveOn: time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, loc)}
	err = h.o.Contracts.EachContract(ctx, f, func(c app.Contract) error {
		if c.Kind == app.KindDayAhead || c.Kind == app.KindIntraday {
			return nil
		}
		id := strconv.FormatInt(c.ID, 10)
		if c.Customer.AccountID == acct.ID {
			current = append(current, views.Choice{Key: "c" + id, Label: c.Name, Sub: c.Source})
			return nil
		}
		if len(templates) == maxTemplates {
			return nil
		}
		if _, err := tariff.FromContract(c); err != nil {
			return nil // not priceable from the contract alone
		}
		who := c.Customer.DisplayName()
		if c.Customer.AccountName == "" && c.Customer.Name == "" {
			who = "unlinked " + c.Customer.ExternalID // a vendor that sends only an id
		}
		templates = append(templates, views.Choice{Key: "t" + id, Label: views.Or(who) + " – " + c.Name,
			Sub: c.Source})
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("compare choices: %w", err)
	}
	return current, templates, nil
}

// checked marks the chosen ones among cs.
func checked(cs []views.Choice, chosen map[string]bool) []views.Choice {
	for i := range cs {
		cs[i].Checked = chosen[cs[i].Key]
	}
	return cs
}

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
	"unicode/utf8"

	"wattfolio/app"
	"wattfolio/app/offer"
	"wattfolio/app/offerfile"
	"wattfolio/app/tariff"
	"wattfolio/frontend/views"
)

// OfferStore is the user's offers in the cache, as the offers pages edit
// them.
type OfferStore interface {
	// Offers lists every offer by name.
	Offers(ctx context.Context) ([]offer.Offer, error)
	// Offer returns one offer, or app.ErrNotFound.
	Offer(ctx context.Context, id int64) (offer.Offer, error)
	// SaveOffer adds an offer (ID 0) or updates one and returns it as
	// stored; offer.ErrNameTaken when another offer has its name,
	// app.ErrNotFound when there is no offer ID.
	SaveOffer(ctx context.Context, o offer.Offer) (offer.Offer, error)
	// DeleteOffer removes one offer, or returns app.ErrNotFound.
	DeleteOffer(ctx context.Context, id int64) error
}

// maxFormBytes bounds an offer form's body: a long notes field and a few
// dozen zones fit many times over.
const maxFormBytes = 64 << 10

func (h *handler) offers(w http.ResponseWriter, r *http.Request) {
	h.renderOffers(w, r, http.StatusOK, "", 0)
}

// renderOffers answers with the offers page, notice saying what a POST did
// and mark the offer it touched.
func (h *handler) renderOffers(w http.ResponseWriter, r *http.Request, status int, notice string, mark int64) {
	c, err := h.chrome(w, r, views.T(r.Context(), "Offers"), "offers")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	c.Path = "/offers" // the number-format switch of a POST's answer leads to the list
	list, err := h.o.OfferStore.Offers(r.Context())
	if err != nil {
		h.fail(w, r, fmt.Errorf("offers: %w", err))
		return
	}
	m := views.Offers{Chrome: c, Offers: list, Notice: notice, Mark: mark}
	h.respond(w, r, status, views.OffersPage(m), func() any { return offersDocOf(m) })
}

func (h *handler) newOffer(w http.ResponseWriter, r *http.Request) {
	c, err := h.chrome(w, r, views.T(r.Context(), "New offer"), "offers")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	blank := offer.Offer{Commodity: app.CommodityElectricity, Tariff: tariff.Tariff{Model: tariff.Fixed, Currency: "EUR", Gross: true, VATRate: app.MustDecimal("0.19")}}
	h.respond(w, r, http.StatusOK, views.OfferFormPage(views.OfferForm{Chrome: c, Values: formValues(blank, c.Fmt.Lang)}),
		func() any { return offerDocOf(c, blank) })
}

func (h *handler) editOffer(w http.ResponseWriter, r *http.Request) {
	c, err := h.chrome(w, r, views.T(r.Context(), "Edit offer"), "offers")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	o, ok := h.pathOffer(w, r)
	if !ok {
		return
	}
	c.Title = views.Tf(r.Context(), "Edit “%s”", o.Name)
	h.respond(w, r, http.StatusOK, views.OfferFormPage(views.OfferForm{Chrome: c, ID: o.ID, Stored: o.Name, Values: formValues(o, c.Fmt.Lang)}),
		func() any { return offerDocOf(c, o) })
}

// createOffer and updateOffer save the form and answer with the offers
// page, or with the form, the user's input and a message beside each
// field in error (422). No redirect: the desktop window does not follow one.
func (h *handler) createOffer(w http.ResponseWriter, r *http.Request) {
	h.saveOffer(w, r, offer.Offer{})
}

func (h *handler) updateOffer(w http.ResponseWriter, r *http.Request) {
	if old, ok := h.pathOffer(w, r); ok {
		h.saveOffer(w, r, old)
	}
}

// pathOffer reads the offer an /offers/{id}… route names; when there is
// none it has answered, and returns false.
func (h *handler) pathOffer(w http.ResponseWriter, r *http.Request) (offer.Offer, bool) {
	id, err := pathID(r, "offer")
	if err == nil {
		var o offer.Offer
		if o, err = h.o.OfferStore.Offer(r.Context(), id); err == nil {
			return o, true
		}
		err = fmt.Errorf("offer %d: %w", id, err)
	}
	h.fail(w, r, err)
	return offer.Offer{}, false
}

// saveOffer saves the form over old (a zero old adds an offer).
func (h *handler) saveOffer(w http.ResponseWriter, r *http.Request, old offer.Offer) {
	id := old.ID
	c, err := h.chrome(w, r, views.T(r.Context(), "Offer"), "offers")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		h.renderError(w, r, http.StatusRequestEntityTooLarge, views.T(r.Context(), "The form could not be read"), views.T(r.Context(), "The form sent was too large or garbled; nothing was saved."))
		return
	}
	ctx := r.Context()
	o, form := parseOfferForm(r.PostForm, c.Fmt.Lang)
	o.ID = id
	if len(form.Errors) == 0 && len(form.General) == 0 {
		for _, fe := range o.Validate() {
			form.add(inputOf(fe, o), fe)
		}
	}
	if len(form.Errors) == 0 && len(form.General) == 0 {
		saved, err := h.o.OfferStore.SaveOffer(ctx, o)
		switch {
		case err == nil:
			h.offersChanged()
			notice := views.Tf(r.Context(), "Added the offer “%s”.", saved.Name)
			if id != 0 {
				notice = views.Tf(r.Context(), "Saved the offer “%s”.", saved.Name)
			}
			h.renderOffers(w, r, http.StatusOK, notice, saved.ID)
			return
		case errors.Is(err, offer.ErrNameTaken):
			form.Errors["name"] = append(form.Errors["name"], views.T(r.Context(), "another offer is called this; names must be unique"))
		default:
			h.fail(w, r, fmt.Errorf("save offer: %w", err))
			return
		}
	}
	c.Title = views.T(r.Context(), "Offer: please check the form")
	// The number-format switch leads to the form as a GET can show it.
	c.Path, c.Query = "/offers/new", nil
	if id != 0 {
		c.Path = "/offers/" + strconv.FormatInt(id, 10) + "/edit"
	}
	m := views.OfferForm{Chrome: c, ID: id, Stored: old.Name, Values: form.Values, Errors: form.Errors, General: form.General}
	h.render(w, r, http.StatusUnprocessableEntity, views.OfferFormPage(m))
}

// duplicateOffer stores a copy named "Copy of …" (with a number when that
// is taken) and answers with the offers page.
func (h *handler) duplicateOffer(w http.ResponseWriter, r *http.Request) {
	o, ok := h.pathOffer(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	all, err := h.o.OfferStore.Offers(ctx)
	if err != nil {
		h.fail(w, r, fmt.Errorf("offers: %w", err))
		return
	}
	taken := map[string]bool{}
	for _, x := range all {
		taken[strings.ToLower(x.Name)] = true
	}
	// The copy is named in the UI's language: it is the user's to rename.
	name := views.Tf(ctx, "Copy of %s", o.Name)
	for n := 2; taken[strings.ToLower(name)]; n++ {
		name = views.Tf(ctx, "Copy of %s (%s)", o.Name, strconv.Itoa(n))
	}
	orig, id := o.Name, o.ID
	o.ID, o.Name, o.Tariff.Name = 0, name, name
	saved, err := h.o.OfferStore.SaveOffer(ctx, o)
	if err != nil {
		h.fail(w, r, fmt.Errorf("duplicate offer %d: %w", id, err))
		return
	}
	h.offersChanged()
	h.renderOffers(w, r, http.StatusOK, views.Tf(r.Context(), "Duplicated “%s” as “%s”.", orig, saved.Name), saved.ID)
}

func (h *handler) deleteOffer(w http.ResponseWriter, r *http.Request) {
	o, ok := h.pathOffer(w, r)
	if !ok {
		return
	}
	if err := h.o.OfferStore.DeleteOffer(r.Context(), o.ID); err != nil {
		h.fail(w, r, fmt.Errorf("delete offer %d: %w", o.ID, err))
		return
	}
	h.offersChanged()
	h.renderOffers(w, r, http.StatusOK, views.Tf(r.Context(), "Deleted the offer “%s”.", o.Name), 0)
}

// Form inputs are named by the offers file's keys, so that a FieldError's
// Field names its input; the bonuses, one input per kind, and the terms
// text are the exceptions (see inputOf).
const (
	inInstantBonus = "bonus.instant_eur"
	inNewBonus     = "bonus.new_customer_eur"
	inTerms        = "terms"
)

// Decimal inputs: name, places allowed, and whether the input is in
// hundredths of what the offer holds (ct of a euro, percent of a fraction).
type decimalInput struct {
	name    string
	places  int
	hundred bool
	get     func(t *tariff.Tariff) *app.Decimal
}

var decimalInputs = []decimalInput{
	{"vat_percent", 4, true, func(t *tariff.Tariff) *app.Decimal { return &t.VATRate }},
	{"base_price_eur_per_year", 6, false, func(t *tariff.Tariff) *app.Decimal { return &t.BasePerYear }},
	{"working_price_ct_per_kwh", 4, true, func(t *tariff.Tariff) *app.Decimal { return &t.WorkingPerKWh }},
	{"charges.grid_ct_per_kwh", 4, true, func(t *tariff.Tariff) *app.Decimal { return &t.Charges.GridPerKWh }},
	{"charges.grid_base_eur_per_year", 6, false, func(t *tariff.Tariff) *app.Decimal { return &t.Charges.GridBasePerYear }},
	{"charges.levies_ct_per_kwh", 4, true, func(t *tariff.Tariff) *app.Decimal { return &t.Charges.LeviesPerKWh }},
	{"charges.electricity_tax_ct_per_kwh", 4, true, func(t *tariff.Tariff) *app.Decimal { return &t.Charges.ElectricityTaxPerKWh }},
	{"charges.concession_ct_per_kwh", 4, true, func(t *tariff.Tariff) *app.Decimal { return &t.Charges.ConcessionPerKWh }},
}

var textInputs = []string{"name", "supplier", "commodity", "model", "currency", "gross", "guarantee.months", "guarantee.scope",
	"min_term_months", "notice", "valid_from", "valid_to", "notes", inInstantBonus, inNewBonus, inTerms}

// offerForm is a submitted form: its values as typed and its problems.
type offerForm struct {
	Values  map[string]string
	Errors  map[string][]string
	General []string
	// fmt is the UI's language, which the messages are shown in.
	fmt views.Fmt
}

func (f *offerForm) add(input string, fe offer.FieldError) {
	msg := f.fmt.Msg(fe.Msg)
	if input == "" {
		f.General = append(f.General, fe.Field+": "+msg)
		return
	}
	if input == inTerms && fe.Field != inTerms {
		msg = fe.Field + ": " + msg
	}
	if !slices.Contains(f.Errors[input], msg) {
		f.Errors[input] = append(f.Errors[input], msg)
	}
}

// parseOfferForm reads an offer from the form's values; numbers in the
// UI's format (lang), exactly. What cannot be read is in the form's
// Errors, by input; the offer is then incomplete and not to be saved.
func parseOfferForm(v url.Values, lang string) (offer.Offer, *offerForm) {
	f := &offerForm{Values: map[string]string{}, Errors: map[string][]string{}, fmt: views.Fmt{Lang: lang}}
	for _, in := range decimalInputs {
		f.Values[in.name] = v.Get(in.name)
	}
	for _, name := range textInputs {
		f.Values[name] = v.Get(name)
	}
	bad := func(input string, m app.Msg) { f.add(input, offer.FieldError{Field: input, Msg: m}) }
	text := func(name string) string {
		s := f.Values[name]
		if !utf8.ValidString(s) {
			bad(name, app.Msgf("is not text"))
			return ""
		}
		return s
	}
	o := offer.Offer{Name: strings.TrimSpace(text("name")), Supplier: strings.TrimSpace(text("supplier")), Notes: strings.TrimSpace(text("notes"))}
	o.Commodity = app.Commodity(text("commodity"))
	t := &o.Tariff
	t.Name, t.Supplier, t.Commodity = o.Name, o.Supplier, o.Commodity
	t.Model = tariff.Model(text("model"))
	t.Currency = strings.ToUpper(strings.TrimSpace(text("currency")))
	if t.Currency == "" {
		t.Currency = "EUR"
	}
	switch text("gross") {
	case "true":
		t.Gross = true
	case "false":
	default:
		bad("gross", app.Msgf("say whether the prices include VAT"))
	}
	for _, in := range decimalInputs {
		s := strings.TrimSpace(f.Values[in.name])
		if s == "" {
			if in.name == "vat_percent" {
				*in.get(t) = app.MustDecimal("0.19")
			}
			continue
		}
		d, msg := parseNumber(s, lang, in.places)
		if !msg.IsZero() {
			bad(in.name, msg)
			continue
		}
		if in.hundred {
			d /= 100
		}
		*in.get(t) = d
	}
	for _, b := range []struct {
		input string
		kind  tariff.BonusKind
	}{{inInstantBonus, tariff.InstantBonus}, {inNewBonus, tariff.NewCustomerBonus}} {
		s := strings.TrimSpace(f.Values[b.input])
		if s == "" {
			continue
		}
		d, msg := parseNumber(s, lang, 6)
		if !msg.IsZero() {
			bad(b.input, msg)
			continue
		}
		if d != 0 {
			t.Bonuses = append(t.Bonuses, tariff.Bonus{Kind: b.kind, Amount: d})
		}
	}
	integer := func(name string) int {
		s := strings.TrimSpace(f.Values[name])
		if s == "" {
			return 0
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < -1e6 || n > 1e6 {
			bad(name, app.Msgf("must be a whole number of months"))
		}
		return n
	}
	t.Guarantee = tariff.Guarantee{Months: integer("guarantee.months"), Scope: tariff.GuaranteeScope(text("guarantee.scope"))}
	t.MinTermMonths = integer("min_term_months")
	if s := strings.TrimSpace(text("notice")); s != "" {
		n, err := offerfile.ParseNotice(s)
		var msg app.Msg
		if errors.As(err, &msg) {
			bad("notice", msg)
		}
		t.Notice = n
	}
	o.ValidFrom = formDay(f, "valid_from", 0)
	o.ValidTo = formDay(f, "valid_to", 1)
	terms, errs := offerfile.ParseTerms(f.Values[inTerms], t.Model, o.Commodity)
	for _, fe := range errs {
		f.add(inTerms, fe)
	}
	terms.Apply(t)
	return o, f
}

// formDay reads a date field (app.ParseDayIn) as the Berlin midnight
// starting it, shifted by days: valid_to is held as the midnight after its
// last day.
func formDay(f *offerForm, name string, days int) time.Time {
	s := strings.TrimSpace(f.Values[name])
	if s == "" {
		return time.Time{}
	}
	d, err := app.ParseDayIn(s, app.DefaultZone())
	if de := (*app.DayError)(nil); errors.As(err, &de) {
		f.add(name, offer.FieldError{Field: name, Msg: de.Msg()})
		return time.Time{}
	}
	return d.AddDate(0, 0, days).UTC()
}

var (
	plainNumber  = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)
	dotThousands = regexp.MustCompile(`^-?[0-9]{1,3}(\.[0-9]{3})+(,[0-9]*)?$`)
	commaGrouped = regexp.MustCompile(`^-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?$`)
)

// parseNumber reads a number as typed in the UI's format, exactly, with at
// most places decimals. German: a decimal comma, dots grouping thousands
// (1.234,5), and a lone point read as a decimal point as well (27.9), since
// that is how many type prices; "1.234" is then one thousand two hundred
// thirty-four. English: a decimal point, commas grouping thousands. The
// message is zero when s reads.
func parseNumber(s, lang string, places int) (app.Decimal, app.Msg) {
	example := "27,9"
	if lang == views.LangEN {
		example = "27.9"
	}
	plain := s
	switch {
	case lang != views.LangEN && dotThousands.MatchString(s):
		plain = strings.Replace(strings.ReplaceAll(s, ".", ""), ",", ".", 1)
	case lang != views.LangEN:
		plain = strings.Replace(s, ",", ".", 1)
	case commaGrouped.MatchString(s):
		plain = strings.ReplaceAll(s, ",", "")
	}
	plain = strings.TrimSuffix(plain, ".")
	if !plainNumber.MatchString(plain) {
		return 0, app.Msgf("must be a number like %s", example)
	}
	if _, frac, _ := strings.Cut(plain, "."); len(strings.TrimRight(frac, "0")) > places {
		return 0, app.Msgf("has more than %d decimal places", places)
	}
	d, err := app.ParseDecimal(plain)
	if err != nil {
		return 0, app.Msgf("is too large")
	}
	return d, app.Msg{}
}

// formNumber writes d for an input in the UI's format, without grouping so
// that it reads back the same; hundred writes it in hundredths (ct, %).
func formNumber(d app.Decimal, hundred bool, lang string) string {
	if hundred {
		d = app.Decimal(int64(d) * 100)
	}
	s := d.String()
	if lang != views.LangEN {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// formValues are an offer's inputs as the form shows them.
func formValues(o offer.Offer, lang string) map[string]string {
	t := o.Tariff
	v := map[string]string{
		"name": o.Name, "supplier": o.Supplier, "commodity": string(o.Commodity), "model": string(t.Model),
		"currency": t.Currency, "gross": strconv.FormatBool(t.Gross), "guarantee.scope": string(t.Guarantee.Scope),
		"notice": offer.FormatNotice(t.Notice), "notes": o.Notes, inTerms: offerfile.FormatTerms(offerfile.TermsOf(t)),
	}
	for _, in := range decimalInputs {
		if d := *in.get(&t); d != 0 || in.name == "vat_percent" {
			v[in.name] = formNumber(d, in.hundred, lang)
		}
	}
	var instant, newCustomer app.Decimal
	for _, b := range t.Bonuses {
		if b.Kind == tariff.NewCustomerBonus {
			newCustomer += b.Amount
		} else {
			instant += b.Amount
		}
	}
	for input, d := range map[string]app.Decimal{inInstantBonus: instant, inNewBonus: newCustomer} {
		if d != 0 {
			v[input] = formNumber(d, false, lang)
		}
	}
	if t.Guarantee.Months != 0 {
		v["guarantee.months"] = strconv.Itoa(t.Guarantee.Months)
	}
	if t.MinTermMonths != 0 {
		v["min_term_months"] = strconv.Itoa(t.MinTermMonths)
	}
	loc := app.DefaultZone()
	if !o.ValidFrom.IsZero() {
		v["valid_from"] = o.ValidFrom.In(loc).Format(time.DateOnly)
	}
	if !o.ValidTo.IsZero() {
		v["valid_to"] = o.ValidTo.In(loc).AddDate(0, 0, -1).Format(time.DateOnly)
	}
	return v
}

// inputOf is the input a validation problem belongs beside; "" for the
// form as a whole.
func inputOf(fe offer.FieldError, o offer.Offer) string {
	field := fe.Field
	if strings.HasPrefix(field, "bonus[") {
		i, err := strconv.Atoi(field[len("bonus["):strings.IndexByte(field, ']')])
		if err == nil && i < len(o.Tariff.Bonuses) && o.Tariff.Bonuses[i].Kind == tariff.NewCustomerBonus {
			return inNewBonus
		}
		return inInstantBonus
	}
	root := field
	if i := strings.IndexAny(field, ".["); i >= 0 {
		root = field[:i]
	}
	switch root {
	case "zone", "grid_zone", "ppa", "flex", "negative", "average", "start":
		return inTerms
	}
	if slices.Contains(textInputs, field) || slices.ContainsFunc(decimalInputs, func(in decimalInput) bool { return in.name == field }) {
		return field
	}
	return ""
}

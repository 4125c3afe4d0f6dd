// Package offerfile reads the offers file, the TOML format candidate offers
// are written and imported in (offers.example.toml documents it). It parses
// bytes only; opening the file is the caller's job.
package offerfile

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"wattfolio/app"
	"wattfolio/app/offer"
	"wattfolio/app/tariff"
	"wattfolio/internal/tomlmap"
)

// Error is one problem in an offers file. Parse joins all of a file's
// problems with errors.Join, ordered by line; use errors.As to get at the
// fields, for example to highlight the line in an editor.
type Error struct {
	File  string
	Line  int    // 1-based; 0 when no single line is to blame
	Offer string // `offer "name"`, or `offer #2` when it has no usable name
	Key   string // the offending key's path, "zone[1].from", when there is one
	// Msg is in English; a page shows it in the user's language.
	Msg app.Msg
}

func (e *Error) Error() string {
	return tomlmap.Message(e.File, e.Line, e.Offer, e.Key, e.Msg.String())
}

// Parse reads the offers file data; filename is only used in messages. It
// returns the offers in file order, each valid (offer.Validate finds
// nothing), or every problem it finds, each an *Error.
//
// The document is decoded into plain maps rather than structs, so that one
// wrong type does not hide the rest, and unknown keys are found per table.
func Parse(filename string, data []byte) ([]offer.Offer, error) {
	text := strings.TrimPrefix(string(data), "\ufeff")
	doc, _, line, err := tomlmap.Decode(text)
	if err != nil {
		return nil, &Error{File: filename, Line: line, Msg: app.Text(err.Error())}
	}
	p := &parser{file: filename, ix: scan(text)}
	offers := p.document(doc)
	if err := tomlmap.Join(p.errs, func(e *Error) int { return e.Line }); err != nil {
		return nil, err
	}
	return offers, nil
}

type parser struct {
	file string
	ix   *index
	errs []*Error
}

func (p *parser) add(line int, label, key string, m app.Msg) {
	p.errs = append(p.errs, &Error{File: p.file, Line: line, Offer: label, Key: key, Msg: m})
}

type firstName struct {
	name string
	line int
}

func (p *parser) document(doc map[string]any) []offer.Offer {
	for _, k := range tomlmap.SortedKeys(doc, func(k string) int { return p.ix.line(k) }) {
		if k != "offer" {
			p.add(p.ix.line(k), "", k, app.Msgf("unknown key; each offer is an [[offer]] table"))
		}
	}
	raw, ok := doc["offer"]
	if !ok {
		return nil
	}
	tables, ok := tomlmap.Tables(raw)
	if !ok {
		p.add(p.ix.line("offer"), "", "offer", app.Msgf("must be a list of [[offer]] tables, not %s", tomlmap.TypeName(raw)))
		return nil
	}
	names := map[string]firstName{}
	offers := make([]offer.Offer, 0, len(tables))
	for i, t := range tables {
		path := join("offer", strconv.Itoa(i))
		label := fmt.Sprintf("offer #%d", i+1)
		if n, ok := t["name"].(string); ok && strings.TrimSpace(n) != "" {
			label = fmt.Sprintf("offer %q", n)
		}
		r := &reader{p: p, label: label, bad: map[string]bool{}}
		o := r.offer(&table{r: r, path: path, raw: t, used: map[string]bool{}})
		if o.Name != "" {
			folded := strings.ToLower(o.Name)
			line := p.ix.line(join(path, "name"))
			if first, dup := names[folded]; dup {
				as := ""
				if first.name != o.Name {
					as = fmt.Sprintf(" (as %q)", first.name)
				}
				p.add(line, label, "name", app.Msgf("duplicate name: the offer on line %d already uses it%s; names must be unique, ignoring case", first.line, as))
			} else {
				names[folded] = firstName{o.Name, line}
			}
		}
		// Validate's findings on fields that could not be read at all
		// would only repeat the reading error.
		for _, fe := range o.Validate() {
			if !r.bad[fieldRoot(fe.Field)] && !r.bad[fe.Field] {
				p.add(p.ix.line(fieldPath(path, fe.Field)), label, fe.Field, fe.Msg)
			}
		}
		offers = append(offers, o)
	}
	return offers
}

// fieldPath turns a field name, "zone[1].from", into an index path below base.
func fieldPath(base, field string) string {
	field = strings.ReplaceAll(field, "]", "")
	for _, part := range strings.FieldsFunc(field, func(r rune) bool { return r == '.' || r == '[' }) {
		base = join(base, part)
	}
	return base
}

func fieldRoot(field string) string {
	if i := strings.IndexAny(field, ".["); i >= 0 {
		return field[:i]
	}
	return field
}

// reader reads one [[offer]], remembering the fields it could not read.
type reader struct {
	p     *parser
	label string
	bad   map[string]bool
}

// table is one TOML table of an offer: the offer itself, or its charges,
// a zone, a bonus, ...
type table struct {
	r      *reader
	path   string // index path
	prefix string // field name prefix: "", "charges.", "zone[1]."
	raw    map[string]any
	used   map[string]bool
}

func (t *table) errorf(key string, m app.Msg) {
	t.r.bad[t.prefix+key] = true
	t.r.p.add(t.r.p.ix.line(join(t.path, key)), t.r.label, t.prefix+key, m)
}

func (t *table) get(key string) (any, bool) {
	v, ok := t.raw[key]
	t.used[key] = true
	return v, ok
}

func (t *table) str(key string) string {
	v, ok := t.get(key)
	if !ok {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		t.errorf(key, app.Msgf("must be a string, not %s", tomlmap.TypeName(v)))
	}
	return s
}

// required is str for a key that must be there.
func (t *table) required(key string) string {
	if _, ok := t.raw[key]; !ok {
		t.used[key] = true
		t.errorf(key, app.Msgf("is required"))
		return ""
	}
	return t.str(key)
}

func (t *table) boolean(key string) (bool, bool) {
	v, ok := t.get(key)
	if !ok {
		return false, false
	}
	b, ok := v.(bool)
	if !ok {
		t.errorf(key, app.Msgf("must be true or false, not %s", tomlmap.TypeName(v)))
	}
	return b, ok
}

func (t *table) integer(key string) int {
	v, ok := t.get(key)
	if !ok {
		return 0
	}
	n, ok := v.(int64)
	switch {
	case !ok:
		t.errorf(key, app.Msgf("must be a whole number, not %s", tomlmap.TypeName(v)))
	case n < -1e6 || n > 1e6:
		t.errorf(key, app.Msgf("%d is out of range", n))
	default:
		return int(n)
	}
	return 0
}

// Decimal places a value may have in the file's units: prices in ct/kWh
// and percentages have four, because they are held with six in euros and
// fractions.
const (
	centPlaces = 4
	euroPlaces = 6
)

// decimal reads an exact decimal in the file's unit, given with at most
// places fractional digits, written as a TOML number or a string. A number
// is read from its literal text, never through float64.
func (t *table) decimal(key string, places int) (app.Decimal, bool) {
	v, ok := t.get(key)
	if !ok {
		return 0, false
	}
	var s string
	switch v := v.(type) {
	case string:
		s = v
	case int64:
		s = strconv.FormatInt(v, 10)
	case float64:
		raw, found := t.r.p.ix.raw[join(t.path, key)]
		if !found {
			t.errorf(key, app.Msgf("write this number in quotes, like %s = \"27.9\"", key))
			return 0, false
		}
		s = strings.ReplaceAll(raw, "_", "")
	default:
		t.errorf(key, app.Msgf("must be a decimal number, not %s", tomlmap.TypeName(v)))
		return 0, false
	}
	d, err := app.ParseDecimal(s)
	switch {
	case strings.Contains(s, ","):
		t.errorf(key, app.Msgf("must be a decimal number with a point, like 27.9, not %q", s))
	case err != nil:
		t.errorf(key, app.Msgf("must be a decimal number"))
	case fractionDigits(s) > places:
		t.errorf(key, app.Msgf("has more than %d decimal places", places))
	default:
		return d, true
	}
	return 0, false
}

// cents reads a price in ct (or a percentage) as euros (or a fraction).
func (t *table) cents(key string) app.Decimal {
	d, _ := t.decimal(key, centPlaces)
	return d / 100
}

// exact reads a decimal in the unit it is held in (euros, kW), up to
// six places.
func (t *table) exact(key string) app.Decimal {
	d, _ := t.decimal(key, euroPlaces)
	return d
}

// optionalCents is cents for a bound that may be absent.
func (t *table) optionalCents(key string) *app.Decimal {
	d, ok := t.decimal(key, centPlaces)
	if !ok {
		return nil
	}
	d /= 100
	return &d
}

// fractionDigits counts the significant fractional digits of a decimal
// literal that ParseDecimal accepted: 27.90 has 1, 1.5e-3 has 4.
func fractionDigits(s string) int {
	exp := 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		exp, _ = strconv.Atoi(s[i+1:])
		s = s[:i]
	}
	_, frac, _ := strings.Cut(s, ".")
	return max(0, len(strings.TrimRight(frac, "0"))-exp)
}

// date reads a day, a TOML date or a "YYYY-MM-DD" string, as the midnight
// that starts it in Europe/Berlin (end: the midnight after it), in UTC.
func (t *table) date(key string, end bool) time.Time {
	v, ok := t.get(key)
	if !ok {
		return time.Time{}
	}
	var y int
	var m time.Month
	var d int
	switch v := v.(type) {
	case time.Time:
		if v.Location().String() != "date-local" {
			t.errorf(key, app.Msgf("must be a date like 2026-03-31, without a time"))
			return time.Time{}
		}
		y, m, d = v.Date()
	case string:
		p, err := time.Parse(time.DateOnly, v)
		if err != nil {
			t.errorf(key, app.Msgf("%q is not a date like 2026-03-31", v))
			return time.Time{}
		}
		y, m, d = p.Date()
	default:
		t.errorf(key, app.Msgf("must be a date like 2026-03-31, not %s", tomlmap.TypeName(v)))
		return time.Time{}
	}
	if end {
		d++
	}
	return time.Date(y, m, d, 0, 0, 0, 0, app.DefaultZone()).UTC()
}

// sub returns the table under key, or nil when it is absent or no table.
func (t *table) sub(key string) *table {
	v, ok := t.get(key)
	if !ok {
		return nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		t.errorf(key, app.Msgf("must be a table, not %s", tomlmap.TypeName(v)))
		return nil
	}
	return &table{r: t.r, path: join(t.path, key), prefix: t.prefix + key + ".", raw: m, used: map[string]bool{}}
}

// list returns the tables of the array of tables under key.
func (t *table) list(key, example string) []*table {
	v, ok := t.get(key)
	if !ok {
		return nil
	}
	tables, ok := tomlmap.Tables(v)
	if !ok {
		t.errorf(key, app.Msgf("must be a list of [[%s]] tables, not %s", example, tomlmap.TypeName(v)))
		return nil
	}
	out := make([]*table, len(tables))
	for i, m := range tables {
		out[i] = &table{r: t.r, path: join(t.path, key, strconv.Itoa(i)), prefix: fmt.Sprintf("%s%s[%d].", t.prefix, key, i), raw: m, used: map[string]bool{}}
	}
	return out
}

// unknown reports the keys nothing read, in line order.
func (t *table) unknown(what string, keys []string) {
	var rest []string
	for k := range t.raw {
		if !t.used[k] {
			rest = append(rest, k)
		}
	}
	for _, k := range tomlmap.SortedKeys(t.raw, func(k string) int { return t.r.p.ix.line(join(t.path, k)) }) {
		if slices.Contains(rest, k) {
			t.errorf(k, app.Msgf("unknown key; %s has %s", what, strings.Join(keys, ", ")))
		}
	}
}

var offerKeys = []string{"name", "supplier", "commodity", "model", "currency", "gross", "vat_percent",
	"base_price_eur_per_year", "working_price_ct_per_kwh", "charges", "zone", "grid_zone", "negative",
	"average", "ppa", "flex", "bonus", "guarantee", "min_term_months", "notice", "start", "valid_from",
	"valid_to", "notes"}

// germanVAT is the default vat_percent: electricity, gas and heat are taxed at 19 %.
var germanVAT = app.MustDecimal("0.19")

func (r *reader) offer(t *table) offer.Offer {
	o := offer.Offer{
		Name:     t.required("name"),
		Supplier: t.required("supplier"),
		Notes:    t.str("notes"),
	}
	o.Commodity = app.Commodity(cmp.Or(t.str("commodity"), string(app.CommodityElectricity)))
	tf := &o.Tariff
	tf.Name, tf.Supplier, tf.Commodity = o.Name, o.Supplier, o.Commodity
	tf.Model = tariff.Model(t.required("model"))
	tf.Currency = cmp.Or(t.str("currency"), "EUR")
	if _, ok := t.raw["gross"]; !ok {
		t.errorf("gross", app.Msgf("is required: true when the prices include VAT (households), false when they are net (businesses)"))
	}
	tf.Gross, _ = t.boolean("gross")
	tf.VATRate = germanVAT
	if _, ok := t.raw["vat_percent"]; ok {
		tf.VATRate = t.cents("vat_percent")
	}
	tf.BasePerYear = t.exact("base_price_eur_per_year")
	tf.WorkingPerKWh = t.cents("working_price_ct_per_kwh")
	if c := t.sub("charges"); c != nil {
		tf.Charges = tariff.Charges{
			GridPerKWh:           c.cents("grid_ct_per_kwh"),
			GridBasePerYear:      c.exact("grid_base_eur_per_year"),
			LeviesPerKWh:         c.cents("levies_ct_per_kwh"),
			ElectricityTaxPerKWh: c.cents("electricity_tax_ct_per_kwh"),
			ConcessionPerKWh:     c.cents("concession_ct_per_kwh"),
		}
		c.unknown("charges", []string{"grid_ct_per_kwh", "grid_base_eur_per_year", "levies_ct_per_kwh", "electricity_tax_ct_per_kwh", "concession_ct_per_kwh"})
	}
	tf.Zones = zones(t.list("zone", "offer.zone"))
	tf.GridZones = zones(t.list("grid_zone", "offer.grid_zone"))
	tf.Negative = tariff.NegativeRule(t.str("negative"))
	if _, ok := t.raw["negative"]; !ok && tf.Model == tariff.Dynamic {
		tf.Negative = tariff.NegativeCredit
	}
	tf.Average = tariff.AverageRule(t.str("average"))
	if _, ok := t.raw["average"]; !ok && (tf.Model == tariff.IndexedMonthly || tf.Model == tariff.IndexedYearly) {
		tf.Average = tariff.AveragePlain
	}
	if p := t.sub("ppa"); p != nil {
		tf.PPA = &tariff.PPATerms{
			Kind:           tariff.PPAKind(p.required("kind")),
			PricePerKWh:    p.cents("price_ct_per_kwh"),
			BaseloadKW:     p.exact("baseload_kw"),
			Floor:          p.optionalCents("floor_ct_per_kwh"),
			Cap:            p.optionalCents("cap_ct_per_kwh"),
			ResidualMarkup: p.cents("residual_markup_ct_per_kwh"),
		}
		p.unknown("ppa", []string{"kind", "price_ct_per_kwh", "baseload_kw", "floor_ct_per_kwh", "cap_ct_per_kwh", "residual_markup_ct_per_kwh"})
	}
	if f := t.sub("flex"); f != nil {
		tf.Flex = &tariff.FlexTerms{
			ReservationPerMonth:      f.exact("reservation_eur_per_month"),
			ActivationFeeWorkdays:    f.exact("activation_fee_workdays_eur"),
			ActivationFeeNonWorkdays: f.exact("activation_fee_non_workdays_eur"),
			MaxPowerKW:               f.exact("max_power_kw"),
			MaxActivations:           f.integer("max_activations"),
			PlanWorkdays:             f.integer("plan_workdays"),
			PlanNonWorkdays:          f.integer("plan_non_workdays"),
		}
		f.unknown("flex", []string{"reservation_eur_per_month", "activation_fee_workdays_eur", "activation_fee_non_workdays_eur", "max_power_kw", "max_activations", "plan_workdays", "plan_non_workdays"})
	}
	for _, b := range t.list("bonus", "offer.bonus") {
		if _, ok := b.raw["amount_eur"]; !ok {
			b.errorf("amount_eur", app.Msgf("is required"))
		}
		tf.Bonuses = append(tf.Bonuses, tariff.Bonus{Kind: tariff.BonusKind(b.required("kind")), Amount: b.exact("amount_eur")})
		b.unknown("a bonus", []string{"kind", "amount_eur"})
	}
	if g := t.sub("guarantee"); g != nil {
		tf.Guarantee = tariff.Guarantee{Months: g.integer("months"), Scope: tariff.GuaranteeScope(g.str("scope"))}
		g.unknown("guarantee", []string{"months", "scope"})
	}
	tf.MinTermMonths = t.integer("min_term_months")
	if s := t.str("notice"); s != "" {
		n, msg := parseNotice(s)
		if !msg.IsZero() {
			t.errorf("notice", msg)
		}
		tf.Notice = n
	}
	tf.Start = t.date("start", false)
	o.ValidFrom = t.date("valid_from", false)
	o.ValidTo = t.date("valid_to", true)
	t.unknown("an offer", offerKeys)
	return o
}

var zoneKeys = []string{"name", "months", "weekdays", "from", "to", "ct_per_kwh", "valid_from", "valid_to"}

func zones(tables []*table) []tariff.Zone {
	var out []tariff.Zone
	for _, z := range tables {
		if _, ok := z.raw["ct_per_kwh"]; !ok {
			z.errorf("ct_per_kwh", app.Msgf("is required"))
		}
		out = append(out, tariff.Zone{
			Name:      z.str("name"),
			Months:    z.months(),
			Weekdays:  z.weekdays(),
			From:      z.clock("from"),
			To:        z.clock("to"),
			ValidFrom: z.date("valid_from", false),
			ValidTo:   z.date("valid_to", true),
			PerKWh:    z.cents("ct_per_kwh"),
		})
		z.unknown("a zone", zoneKeys)
	}
	return out
}

func (t *table) months() []time.Month {
	var out []time.Month
	for i, e := range t.array("months") {
		n, ok := e.(int64)
		if !ok || n < 1 || n > 12 {
			t.errorf("months", app.Msgf("entry %d: must be a month number 1 to 12", i+1))
			return nil
		}
		out = append(out, time.Month(n))
	}
	return out
}

var weekdayNames = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

func (t *table) weekdays() []time.Weekday {
	var out []time.Weekday
	for i, e := range t.array("weekdays") {
		s, _ := e.(string)
		d := slices.Index(weekdayNames, strings.ToLower(s))
		if d < 0 {
			t.errorf("weekdays", app.Msgf("entry %d: must be one of mon, tue, wed, thu, fri, sat, sun", i+1))
			return nil
		}
		out = append(out, time.Weekday(d))
	}
	return out
}

func (t *table) array(key string) []any {
	v, ok := t.get(key)
	if !ok {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		t.errorf(key, app.Msgf("must be a list, not %s", tomlmap.TypeName(v)))
	}
	return list
}

var clockRE = regexp.MustCompile(`^([01][0-9]|2[0-3]):([0-5][0-9])$`)

// clock reads "HH:MM" as minutes after midnight; "24:00" is midnight too,
// as an end is often written.
func (t *table) clock(key string) int {
	s := t.str(key)
	if s == "" || s == "24:00" {
		return 0
	}
	m := clockRE.FindStringSubmatch(s)
	if m == nil {
		t.errorf(key, app.Msgf("must be HH:MM, like \"22:00\", not %q", s))
		return 0
	}
	h, _ := strconv.Atoi(m[1])
	mi, _ := strconv.Atoi(m[2])
	return h*60 + mi
}

var noticeRE = regexp.MustCompile(`^([0-9]{1,3}) *(day|week|month)s?$`)

// parseNotice's message is zero when s reads.
func parseNotice(s string) (tariff.Notice, app.Msg) {
	m := noticeRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return tariff.Notice{}, app.Msgf("%q is not a notice period like \"1 month\", \"6 weeks\" or \"14 days\"", s)
	}
	n, _ := strconv.Atoi(m[1])
	if n == 0 {
		return tariff.Notice{}, app.Msg{}
	}
	return tariff.Notice{N: n, Unit: m[2]}, app.Msg{}
}

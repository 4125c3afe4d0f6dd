package offerfile

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"wattfolio/app"
	"wattfolio/app/offer"
	"wattfolio/app/tariff"
	"wattfolio/internal/tomlmap"
)

// Terms are the parts of an offer a form takes as offers-file text rather
// than as inputs of their own, because they nest or repeat: zones, grid
// zones, the negative and average rules, the supply start, PPA and
// flexibility terms.
type Terms struct {
	Zones, GridZones []tariff.Zone
	Negative         tariff.NegativeRule
	Average          tariff.AverageRule
	Start            time.Time
	PPA              *tariff.PPATerms
	Flex             *tariff.FlexTerms
}

// TermsKeys are the keys and tables Terms text may hold, as in an [[offer]].
var TermsKeys = []string{"negative", "average", "start", "[[offer.zone]]", "[[offer.grid_zone]]", "[offer.ppa]", "[offer.flex]"}

// TermsOf returns the Terms of t.
func TermsOf(t tariff.Tariff) Terms {
	return Terms{Zones: t.Zones, GridZones: t.GridZones, Negative: t.Negative, Average: t.Average, Start: t.Start, PPA: t.PPA, Flex: t.Flex}
}

// Apply sets the terms on t.
func (tm Terms) Apply(t *tariff.Tariff) {
	t.Zones, t.GridZones, t.Negative, t.Average, t.Start, t.PPA, t.Flex = tm.Zones, tm.GridZones, tm.Negative, tm.Average, tm.Start, tm.PPA, tm.Flex
}

// ParseTerms reads Terms written as the body of one [[offer]] table of an
// offers file: top-level keys (negative, average, start) first, then
// [[offer.zone]], [[offer.grid_zone]], [offer.ppa] and [offer.flex]
// tables, so that a block copied from an offers file works. model and
// commodity are the offer's, since what is allowed depends on them. Every
// problem is a FieldError named by its key path ("zone[0].from"; "terms"
// for the text as a whole) whose message starts with the line of text.
func ParseTerms(text string, model tariff.Model, commodity app.Commodity) (Terms, []offer.FieldError) {
	if strings.TrimSpace(text) == "" {
		return Terms{}, nil
	}
	if !slices.Contains(tariff.Models, model) {
		model = tariff.Fixed // the form reports the model itself
	}
	if commodity == "" {
		commodity = app.CommodityElectricity
	}
	// A stand-in for the offer's own fields, which the form reads and
	// checks; only what the text adds is taken from the parsed offer.
	prelude := fmt.Sprintf("[[offer]]\nname = \"terms\"\nsupplier = \"terms\"\nmodel = %q\ncommodity = %q\ngross = true\nworking_price_ct_per_kwh = 1\n", model, commodity)
	lines := strings.Count(prelude, "\n")
	offers, err := Parse("terms", []byte(prelude+text))
	if err != nil {
		var errs []offer.FieldError
		for _, e := range unjoin(err) {
			var pe *Error
			if !errors.As(e, &pe) {
				errs = append(errs, offer.FieldError{Field: "terms", Msg: app.Text(e.Error())})
				continue
			}
			field, msg := pe.Key, pe.Msg
			if field == "" {
				field = "terms"
			}
			if pe.Line > lines {
				msg = app.Msgf("line %d: %s", pe.Line-lines, msg)
			}
			errs = append(errs, offer.FieldError{Field: field, Msg: msg})
		}
		return Terms{}, errs
	}
	o := offers[0]
	tm := TermsOf(o.Tariff)
	// Anything else the text set has an input of its own in the form;
	// taking it silently from here would make two places for one value.
	rest := o.Tariff
	Terms{}.Apply(&rest)
	standIn := tariff.Tariff{Name: "terms", Supplier: "terms", Commodity: commodity, Model: model, Currency: "EUR", Gross: true,
		VATRate: germanVAT, WorkingPerKWh: app.MustDecimal("0.01")}
	if !reflect.DeepEqual(rest, standIn) || !o.ValidFrom.IsZero() || !o.ValidTo.IsZero() || o.Notes != "" {
		return Terms{}, []offer.FieldError{{Field: "terms", Msg: app.Msgf("only %s go here; the other terms have fields of their own", strings.Join(TermsKeys, ", "))}}
	}
	return tm, nil
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// FormatTerms writes tm as ParseTerms reads it; "" when there are none.
func FormatTerms(tm Terms) string {
	var b strings.Builder
	kv := func(k, v string) { fmt.Fprintf(&b, "%s = %s\n", k, v) }
	if tm.Negative != "" {
		kv("negative", tomlmap.Quote(string(tm.Negative)))
	}
	if tm.Average != "" {
		kv("average", tomlmap.Quote(string(tm.Average)))
	}
	if !tm.Start.IsZero() {
		kv("start", day(tm.Start, 0))
	}
	zones := func(table string, zs []tariff.Zone) {
		for _, z := range zs {
			fmt.Fprintf(&b, "\n[[offer.%s]]\n", table)
			if z.Name != "" {
				kv("name", tomlmap.Quote(z.Name))
			}
			if len(z.Months) > 0 {
				ms := make([]string, len(z.Months))
				for i, m := range z.Months {
					ms[i] = strconv.Itoa(int(m))
				}
				kv("months", "["+strings.Join(ms, ", ")+"]")
			}
			if len(z.Weekdays) > 0 {
				ds := make([]string, len(z.Weekdays))
				for i, d := range z.Weekdays {
					ds[i] = tomlmap.Quote(weekdayNames[d])
				}
				kv("weekdays", "["+strings.Join(ds, ", ")+"]")
			}
			kv("from", tomlmap.Quote(clockText(z.From)))
			kv("to", tomlmap.Quote(clockText(z.To)))
			kv("ct_per_kwh", cents(z.PerKWh))
			if !z.ValidFrom.IsZero() {
				kv("valid_from", day(z.ValidFrom, 0))
			}
			if !z.ValidTo.IsZero() {
				kv("valid_to", day(z.ValidTo, -1))
			}
		}
	}
	zones("zone", tm.Zones)
	zones("grid_zone", tm.GridZones)
	if p := tm.PPA; p != nil {
		b.WriteString("\n[offer.ppa]\n")
		kv("kind", tomlmap.Quote(string(p.Kind)))
		kv("price_ct_per_kwh", cents(p.PricePerKWh))
		if p.BaseloadKW != 0 {
			kv("baseload_kw", p.BaseloadKW.String())
		}
		if p.Floor != nil {
			kv("floor_ct_per_kwh", cents(*p.Floor))
		}
		if p.Cap != nil {
			kv("cap_ct_per_kwh", cents(*p.Cap))
		}
		if p.ResidualMarkup != 0 {
			kv("residual_markup_ct_per_kwh", cents(p.ResidualMarkup))
		}
	}
	if f := tm.Flex; f != nil {
		b.WriteString("\n[offer.flex]\n")
		kv("reservation_eur_per_month", f.ReservationPerMonth.String())
		kv("activation_fee_workdays_eur", f.ActivationFeeWorkdays.String())
		kv("activation_fee_non_workdays_eur", f.ActivationFeeNonWorkdays.String())
		kv("max_power_kw", f.MaxPowerKW.String())
		kv("max_activations", strconv.Itoa(f.MaxActivations))
		kv("plan_workdays", strconv.Itoa(f.PlanWorkdays))
		kv("plan_non_workdays", strconv.Itoa(f.PlanNonWorkdays))
	}
	return strings.TrimPrefix(b.String(), "\n")
}

// cents writes a per-kWh price in euros as the file's cents, exactly.

func cents(d app.Decimal) string { return app.Decimal(int64(d) * 100).String() }

func clockText(min int) string { return fmt.Sprintf("%02d:%02d", min/60, min%60) }

// day writes the Berlin day of t shifted by days, as a TOML date.
func day(t time.Time, days int) string {
	return t.In(app.DefaultZone()).AddDate(0, 0, days).Format(time.DateOnly)
}

// ParseNotice reads a notice period as the offers file writes it: "1 month",
// "6 weeks", "14 days"; "0 days" is none.
// Its error is an app.Msg.
func ParseNotice(s string) (tariff.Notice, error) {
	n, msg := parseNotice(s)
	if !msg.IsZero() {
		return n, msg
	}
	return n, nil
}

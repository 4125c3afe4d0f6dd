package otark

import (
	"time"

	"wattfolio/app"
	appvendor "wattfolio/app/vendor"
	"wattfolio/sync/engine"
	"wattfolio/sync/registry"
)

// Descriptor registers otark with the sources file, the sync and the views.
var Descriptor = registry.Descriptor{
	Info: appvendor.Info{
		Name: app.VendorOtark, Label: "otark", Area: appvendor.N("PPA and trades"), Layout: appvendor.Trading, CustomerID: "EIC",
	},
	Keys:   []string{"status", "type", "eic", "delivery_start", "delivery_end", "active_on"},
	Budget: PublishedBudget,
	Decode: decode,
	New:    connect,
	Sim:    simulator,
}

// Section holds the optional list filters of otark's /v1/contracts; zero
// values do not filter.
type Section struct {
	Status        string // pending | in_progress | completed
	Type          string // ppa | day_ahead | intraday
	EIC           string // 16-character Energy Identification Code
	DeliveryStart time.Time
	DeliveryEnd   time.Time
	ActiveOn      time.Time
}

// FormFields implements registry.Section: the form edits none of the
// filters (an edit keeps their lines).
func (s *Section) FormFields() registry.Fields { return registry.Fields{} }

// decode reads the filters. otark works in UTC, so a date or date-time
// without an offset is taken as UTC (see registry.Reader.Instant).
func decode(r registry.Reader) registry.Section {
	sc := &Section{
		Status: r.OneOf("status", "", "pending", "in_progress", "completed"),
		Type:   r.OneOf("type", "", "ppa", "day_ahead", "intraday"),
		EIC:    r.Str("eic", false),
	}
	if sc.EIC != "" && !eicRE.MatchString(sc.EIC) {
		r.Errorf("eic", app.Msgf("%q is not an EIC: 16 characters, upper-case letters, digits and '-'", sc.EIC))
	}
	sc.DeliveryStart = r.Instant("delivery_start")
	sc.DeliveryEnd = r.Instant("delivery_end")
	sc.ActiveOn = r.Instant("active_on")
	if !sc.DeliveryStart.IsZero() && !sc.DeliveryEnd.IsZero() && sc.DeliveryEnd.Before(sc.DeliveryStart) {
		r.Errorf("delivery_end", app.Msgf("is before delivery_start"))
	}
	return sc
}

func connect(c registry.Config) (engine.Connector, error) {
	key, err := c.Secrets.Token()
	if err != nil {
		return nil, err
	}
	o := c.Section.(*Section)
	perMinute := c.RequestsPerMinute
	if perMinute == 0 {
		perMinute = PublishedBudget
	}
	return New(Config{
		Source: c.Source, BaseURL: c.BaseURL, APIKey: key, HTTPClient: c.HTTPClient, RequestsPerMinute: perMinute,
		Status: o.Status, Type: o.Type, EIC: o.EIC,
		DeliveryStart: o.DeliveryStart, DeliveryEnd: o.DeliveryEnd, ActiveOn: o.ActiveOn,
	})
}

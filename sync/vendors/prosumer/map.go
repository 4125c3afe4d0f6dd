package prosumer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"wattfolio/app"
	"wattfolio/sync/vendors/internal/jsonfield"
)

// Statuses the connector derives; the API sends none.
const (
	StatusActive    = "active"
	StatusPending   = "pending"
	StatusEnded     = "ended"
	StatusCancelled = "cancelled"
)

// mapped is one contract of a customer's answer: mapped, or why not.
type mapped struct {
	id       string // the vendor's Id, when it could be read
	where    string // the collection and index, e.g. EnergyContracts[2]; "" for the document
	contract app.Contract
	err      *jsonfield.Error
}

// mapper turns one customer's answer into contracts.
type mapper struct {
	source    string
	now       time.Time // for the derived status
	fetchedAt time.Time
}

// portfolio maps body, the answer for customer. A document that cannot be
// read at all gives an error; otherwise every contract is mapped on its own.
func (m mapper) portfolio(body []byte, customer string) ([]mapped, *jsonfield.Error) {
	var w wirePortfolio
	if ferr := decodeObject(body, &w); ferr != nil {
		return nil, ferr
	}
	if w.EnergyContracts == nil && w.ServiceContracts == nil && w.FlexibilityContracts == nil {
		// ASP.NET always writes all three, null or not: this is some
		// other document (an error object, a proxy's answer).
		return nil, &jsonfield.Error{Err: errors.New("answer has none of EnergyContracts, ServiceContracts, FlexibilityContracts")}
	}
	var out []mapped
	for _, col := range collections {
		items, ferr := decodeArray(col.field, col.get(&w))
		if ferr != nil {
			// The other collections still map.
			out = append(out, mapped{err: ferr})
			continue
		}
		for i, raw := range items {
			c := m.contract(col.kind, raw, customer)
			c.where = fmt.Sprintf("%s[%d]", col.field, i)
			out = append(out, c)
		}
	}
	return out, nil
}

// contract maps one element of a collection.
func (m mapper) contract(kind app.Kind, raw json.RawMessage, customer string) mapped {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return mapped{err: &jsonfield.Error{Err: fmt.Errorf("want a contract object, got %s", jsonfield.Describe(raw))}}
	}
	r := reader{}
	var c app.Contract
	if kind == app.KindFlexibility {
		var w wireFlexibility
		if ferr := decodeObject(raw, &w); ferr != nil {
			return mapped{err: ferr}
		}
		c = m.flexibility(&r, &w)
	} else {
		var w wirePartner
		if ferr := decodeObject(raw, &w); ferr != nil {
			return mapped{err: ferr}
		}
		c = m.partner(&r, &w)
	}
	if c.ExternalID == "" {
		r.Keep(&jsonfield.Error{Field: "Id", Err: errors.New("missing")})
	}
	if ferr := r.Err(); ferr != nil {
		return mapped{id: c.ExternalID, err: ferr}
	}
	c.Source = m.source
	c.Vendor = app.VendorProsumer
	c.Kind = kind
	c.Commodity = app.CommodityElectricity
	c.Customer = app.Customer{ExternalID: customer}
	c.Prices = app.Prices{Currency: "EUR"}
	c.Status = status(c, m.now)
	c.Raw = bytes.Clone(raw)
	c.FetchedAt = m.fetchedAt
	return mapped{id: c.ExternalID, contract: c}
}

func (m mapper) partner(r *reader, w *wirePartner) app.Contract {
	ctype := r.String("ContractType", w.ContractType)
	return app.Contract{
		ExternalID:  r.String("Id", w.ID),
		Name:        firstNonEmpty(r.String("Name", w.Name), r.String("Description", w.Description), ctype),
		Product:     app.Product{Name: ctype},
		ValidFrom:   r.time("ValidFrom", w.ValidFrom),
		ValidTo:     r.time("ValidTo", w.ValidTo),
		SignedAt:    r.time("SignedTime", w.SignedTime),
		CancelledAt: r.time("CancelTime", w.CancelTime),
	}
}

func (m mapper) flexibility(r *reader, w *wireFlexibility) app.Contract {
	t := &app.FlexibilityTerms{
		AssetID:                   r.Code("AssetId", w.AssetID),
		AssetName:                 r.String("AssetName", w.AssetName),
		ParticipantID:             r.Code("ParticipantId", w.ParticipantID),
		ReservationFee:            r.Decimal("ReservationFee", w.ReservationFee),
		ActivationFeeWorkdays:     r.Decimal("ActivationFeeWorkdays", w.ActivationFeeWorkdays),
		ActivationFeeNonWorkdays:  r.Decimal("ActivationFeeNonWorkdays", w.ActivationFeeNonWorkdays),
		MaxPowerPerActivation:     r.Decimal("MaxPowerPrActivation", w.MaxPowerPrActivation),
		MaxActivationsPerInterval: r.int("MaxNumOfActivationPrTimeInterval", w.MaxNumOfActivationPrTimeInterval),
		MaxActivationMinutes:      r.int("MaxAllowedActivationTime", w.MaxAllowedActivationTime),
		MinMinutesBetween:         r.int("MininumTimeBetweenActivation", w.MininumTimeBetweenActivation),
		DaysAllowedForActivation:  r.int("DaysAllowedForActivation", w.DaysAllowedForActivation),
		PermittedIntervals:        r.String("PermittedIntervals", w.PermittedIntervals),
		Tolerance:                 r.Decimal("Tolerance", w.Tolerance),
		Renewal:                   r.int("Renewal", w.Renewal),
		NonConformanceClause:      r.String("NonConformanceClause", w.NonConformanceClause),
		MinNormalTemperature:      r.Decimal("MinNormalTemperature", w.MinNormalTemperature),
		MaxNormalTemperature:      r.Decimal("MaxNormalTemperature", w.MaxNormalTemperature),
		MaxRampUpTemperature:      r.Decimal("MaxRampUpTemperature", w.MaxRampUpTemperature),
		MinRampDownTemperature:    r.Decimal("MinRamDownTemperature", w.MinRamDownTemperature),
	}
	return app.Contract{
		ExternalID:  r.String("Id", w.ID),
		Name:        firstNonEmpty(r.String("Name", w.Name), t.AssetName),
		ValidFrom:   r.time("ValidFrom", w.ValidFrom),
		ValidTo:     r.time("ValidTo", w.ValidTo),
		SignedAt:    r.time("Signed", w.Signed),
		CancelledAt: r.time("CancelTime", w.CancelTime),
		Flexibility: t,
	}
}

// reader reads fields and keeps the first error: one bad field is enough
// for the user to find the record.
type reader struct{ jsonfield.Reader }

func (r *reader) int(field string, raw json.RawMessage) *int64 {
	n, e := readInt(field, raw)
	r.Keep(e)
	return n
}

func (r *reader) time(field string, raw json.RawMessage) time.Time {
	t, e := readTime(field, raw)
	r.Keep(e)
	return t
}

// status derives what the API does not say: a cancellation that has taken
// effect wins, then the validity period.
func status(c app.Contract, now time.Time) string {
	switch {
	case !c.CancelledAt.IsZero() && !c.CancelledAt.After(now):
		return StatusCancelled
	case !c.ValidTo.IsZero() && c.ValidTo.Before(now):
		return StatusEnded
	case !c.ValidFrom.IsZero() && c.ValidFrom.After(now):
		return StatusPending
	}
	return StatusActive
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

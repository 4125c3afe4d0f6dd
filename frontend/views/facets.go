package views

import (
	"wattfolio/app"
)

// FacetList is one facet of the portfolio beside its filters: the values
// of one filter with their counts under the other filters.
type FacetList struct {
	Param  string // the filter's query parameter
	Title  string // English; translated where shown
	Values []FacetValue
}

// FacetValue is one value of a facet: a link that applies it (or, when it
// is the filter already applied, removes it) from the first page.
type FacetValue struct {
	Value, Label, Link string
	Count              int
	Selected           bool
}

// FacetLists are the status, vendor and commodity facets of the page; a
// value without a filter of its own (no status, no commodity) is left
// out, since choosing it would filter nothing.
func (m Portfolio) FacetLists() []FacetList {
	if m.Facets == nil {
		return nil
	}
	var out []FacetList
	add := func(param, title, selected string, counts []app.FacetCount, label func(string) string) {
		l := FacetList{Param: param, Title: title}
		for _, c := range counts {
			if c.Value == "" {
				continue
			}
			v := m.values() // the filters, sort and page size, from the first page
			fv := FacetValue{Value: c.Value, Label: label(c.Value), Count: c.Count, Selected: c.Value == selected}
			if fv.Selected {
				v.Del(param)
			} else {
				v.Set(param, c.Value)
			}
			fv.Link = m.Link("/contracts", v)
			l.Values = append(l.Values, fv)
		}
		if len(l.Values) > 0 {
			out = append(out, l)
		}
	}
	add("status", N("By status"), m.Filter.Status, m.Facets.Status, m.Fmt.StatusLabel)
	add("vendor", N("By vendor"), m.Filter.Vendor, m.Facets.Vendor, func(s string) string { return VendorLabel(app.Vendor(s)) })
	add("commodity", N("By commodity"), m.Filter.Commodity, m.Facets.Commodity, func(s string) string { return m.Fmt.CommodityLabel(app.Commodity(s)) })
	return out
}

// UnlinkedID is how the portfolio shows the vendor's id of a customer no
// [[customer]] block links: a long opaque id (Podero's user UUIDs) cut to
// its first 8 characters, enough to tell rows apart at a glance, with the
// whole id in the cell's title and on the contract page.
func UnlinkedID(id string) string {
	if r := []rune(id); len(r) > 13 {
		return string(r[:8]) + "…"
	}
	return id
}

// Package simcust lists the demo's own customers: the ones the generated
// sources file links across the simulated vendors. The enneo, Podero and
// epilot simulators open their books with them, so that a linked
// customer's name, contract holder, consumption and tariffs agree across
// vendors (a brewery is not a private person on a household tariff).
package simcust

// Segment is what kind of customer it is; it decides the shape of the load
// curve, the size of the consumption and how prices are quoted.
type Segment string

const (
	// Household: 1,500–6,000 kWh a year, retail prices quoted gross.
	Household Segment = "household"
	// Business: tens to hundreds of MWh a year, prices quoted net.
	Business Segment = "business"
	// Agriculture: a farm or a greenhouse grower, quoted net like a business.
	Agriculture Segment = "agriculture"
)

// Profile is the BDEW standard load profile (2025 edition) a customer of
// the segment is priced on when there is no meter data.
func (s Segment) Profile() string {
	switch s {
	case Business:
		return "G25"
	case Agriculture:
		return "L25"
	}
	return "H25"
}

// Net says whether the segment is quoted net of VAT.
func (s Segment) Net() bool { return s != Household }

// Customer is one demo customer.
type Customer struct {
	// Name is the name the sources file gives the customer; for a company
	// also the contract holder at enneo and, where it trades there, the
	// buyer's name at otark.
	Name string
	// First and Last are a private person's names as enneo holds them;
	// empty for a company.
	First, Last string
	Segment     Segment
	// AnnualKWh is the electricity consumption a year of the customer's
	// enneo contract.
	AnnualKWh int
	// GasKWh is the consumption of a gas contract beside it; 0: none.
	GasKWh int
	// Metered: the customer is the epilot portal user, with a 15-minute
	// load curve per site.
	Metered bool
}

// Demo is the demo's customers, the metered one first. Business names that
// are also otark buyers trade there under that name.
var Demo = []Customer{
	{Name: "Bäckerei Sonnenkorn GmbH", Segment: Business, AnnualKWh: 480_000, Metered: true},
	{Name: "Amstel Brouwerijen BV", Segment: Business, AnnualKWh: 640_000, GasKWh: 1_900_000},
	{Name: "Schwäbische Zulieferer GmbH", Segment: Business, AnnualKWh: 860_000},
	{Name: "Westfalen Lebensmittel GmbH", Segment: Business, AnnualKWh: 410_000},
	{Name: "Energiecoöperatie Veluwe U.A.", Segment: Business, AnnualKWh: 26_000},
	{Name: "Westland Glastuinbouw U.A.", Segment: Agriculture, AnnualKWh: 310_000, GasKWh: 2_400_000},
	{Name: "Hofgut Lindenau", Segment: Agriculture, AnnualKWh: 42_000},
	{Name: "Anna Schneider", First: "Anna", Last: "Schneider", Segment: Household, AnnualKWh: 3_400, GasKWh: 11_000},
	{Name: "Jonas Becker", First: "Jonas", Last: "Becker", Segment: Household, AnnualKWh: 2_300},
	{Name: "Petra Wagner", First: "Petra", Last: "Wagner", Segment: Household, AnnualKWh: 5_200},
	{Name: "Klaus Fischer", First: "Klaus", Last: "Fischer", Segment: Household, AnnualKWh: 1_800},
	{Name: "Lena Hartmann", First: "Lena", Last: "Hartmann", Segment: Household, AnnualKWh: 4_100},
}

package enneosim

// The tables below are invented but shaped like a German utility's book:
// real city and postcode pairs with their grid operators, so that addresses
// and operators agree. Grid operator codes are made-up 13-digit BDEW-style
// numbers (99… electricity, 98… gas).

var firstNames = []string{
	"Anna", "Lena", "Marie", "Sophie", "Laura", "Julia", "Katharina", "Sabine", "Petra", "Monika",
	"Ursula", "Claudia", "Jana", "Emma", "Mia", "Hannah", "Lea", "Birgit", "Andrea", "Christine",
	"Lukas", "Jonas", "Felix", "Maximilian", "Paul", "Leon", "Thomas", "Michael", "Andreas", "Stefan",
	"Klaus", "Jürgen", "Wolfgang", "Frank", "Uwe", "Markus", "Tobias", "Florian", "Jörg", "Dieter",
}

var lastNames = []string{
	"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
	"Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann",
	"Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Schmitz", "Krause", "Meier",
	"Lehmann", "Schmid", "Schulze", "Maier", "Köhler", "Herrmann", "König", "Walter", "Mayer", "Huber",
}

var streets = []string{
	"Hauptstraße", "Schulstraße", "Gartenstraße", "Bahnhofstraße", "Dorfstraße", "Bergstraße",
	"Lindenstraße", "Kirchstraße", "Waldstraße", "Ringstraße", "Schillerstraße", "Goethestraße",
	"Am Sportplatz", "Mühlenweg", "Birkenweg", "Friedrichstraße", "Hugo-Junkers-Str.", "Rosenweg",
	"Kastanienallee", "Wiesenweg", "Beethovenstraße", "Lessingstraße", "Talstraße", "Am Markt",
}

type city struct {
	name     string
	zip      string
	operator int // index into operators
}

type operator struct {
	name    string
	power   string // code as an electricity grid operator
	gas     string // code as a gas grid operator
	gasName string // the gas network company, where it differs
}

var operators = []operator{
	{name: "E.ON Bayern AG", power: "9900001000001", gas: "9800001000001", gasName: "Bayernwerk Netz GmbH"},
	{name: "Stromnetz Berlin GmbH", power: "9900002000002", gas: "9800002000002", gasName: "NBB Netzgesellschaft Berlin-Brandenburg mbH & Co. KG"},
	{name: "Stromnetz Hamburg GmbH", power: "9900003000003", gas: "9800003000003", gasName: "Gasnetz Hamburg GmbH"},
	{name: "SWM Infrastruktur GmbH & Co. KG", power: "9900004000004", gas: "9800004000004"},
	{name: "Westnetz GmbH", power: "9900005000005", gas: "9800005000005"},
	{name: "Netze BW GmbH", power: "9900006000006", gas: "9800006000006"},
	{name: "Rheinische NETZGesellschaft mbH", power: "9900007000007", gas: "9800007000007"},
	{name: "Avacon Netz GmbH", power: "9900008000008", gas: "9800008000008"},
	{name: "E.DIS Netz GmbH", power: "9900009000009", gas: "9800009000009"},
	{name: "Netz Leipzig GmbH", power: "9900010000010", gas: "9800010000010"},
	{name: "N-ERGIE Netz GmbH", power: "9900011000011", gas: "9800011000011"},
	{name: "Syna GmbH", power: "9900012000012", gas: "9800012000012"},
	{name: "MITNETZ Strom mbH", power: "9900013000013", gas: "9800013000013", gasName: "MITNETZ Gas mbH"},
}

var cities = []city{
	{"Grünwald", "82031", 0}, {"Regensburg", "93047", 0}, {"Landshut", "84028", 0},
	{"Berlin", "10587", 1}, {"Berlin", "12043", 1}, {"Berlin", "13353", 1},
	{"Hamburg", "20095", 2}, {"Hamburg", "22765", 2},
	{"München", "80331", 3}, {"München", "81369", 3},
	{"Dortmund", "44135", 4}, {"Essen", "45127", 4}, {"Münster", "48143", 4},
	{"Stuttgart", "70173", 5}, {"Freiburg im Breisgau", "79098", 5}, {"Ulm", "89073", 5},
	{"Köln", "50667", 6}, {"Köln", "51063", 6},
	{"Hannover", "30159", 7}, {"Braunschweig", "38100", 7}, {"Lüneburg", "21335", 7},
	{"Potsdam", "14467", 8}, {"Rostock", "18055", 8},
	{"Leipzig", "04109", 9},
	{"Nürnberg", "90402", 10}, {"Erlangen", "91052", 10},
	{"Wiesbaden", "65183", 11}, {"Frankfurt am Main", "60311", 11},
	{"Halle (Saale)", "06108", 12}, {"Chemnitz", "09111", 12},
}

type product struct {
	id       int
	name     string
	code     string
	gas      bool
	business bool
	subType  int // energySubTypeId: 1 household, 2 heating, 3 e-mobility
}

var powerProducts = []product{
	{id: 1, name: "Flex 24", code: "flx_24", subType: 1},
	{id: 2, name: "Öko Strom 12", code: "oeko_strom_12", subType: 1},
	{id: 3, name: "Strom Basis", code: "strom_basis", subType: 1},
	{id: 4, name: "Strom Fix 36", code: "strom_fix_36", subType: 1},
	{id: 5, name: "Wärmestrom", code: "waermestrom", subType: 2},
	{id: 6, name: "Autostrom", code: "autostrom", subType: 3},
	{id: 7, name: "Business Strom", code: "business_strom", business: true, subType: 1},
}

// The demo's customers' tariffs: a household is on a plain household
// tariff, a company on the business ones.
var (
	householdProducts = []product{powerProducts[1], powerProducts[2], powerProducts[3]}
	householdGas      = gasProducts[0]
	businessPower     = powerProducts[6]
	businessGas       = gasProducts[3]
)

// agriProduct is the farm tariff: only the demo's farms are on it, so the
// random book draws from the lists above as it always has.
var agriProduct = product{id: 8, name: "Agrar Strom", code: "agrar_strom", business: true, subType: 1}

var gasProducts = []product{
	{id: 11, name: "Gas Komfort 24", code: "gas_komfort_24", gas: true, subType: 1},
	{id: 12, name: "Gas Flex", code: "gas_flex", gas: true, subType: 1},
	{id: 13, name: "Öko Gas 12", code: "oeko_gas_12", gas: true, subType: 1},
	{id: 14, name: "Business Gas", code: "business_gas", gas: true, business: true, subType: 1},
}

// tenants are brands of the simulated utility; most contracts carry none,
// as the API docs say the field is used only for SAP-backed tenants.
var tenants = []string{"Nordlicht Energie", "Isarwatt"}

var mobilePrefixes = []int{151, 152, 157, 160, 162, 163, 170, 171, 172, 173, 174, 175, 176, 177, 178, 179}

var meterMakers = []string{"1ESY", "1EMH", "1LGZ", "1ITF", "1EBZ"}

var gasMeterMakers = []string{"7ELS", "7ITR", "7PIP"}

var banks = []string{"37040044", "10010010", "50010517", "70020270", "20050550", "43060967", "76050101"}

// statuses with their weight in percent, statusCode and tab colour.
type statusDef struct {
	name   string
	weight int
	code   int
	color  string
}

var statuses = []statusDef{
	{"active", 70, 5000, "green"},
	{"terminated", 12, 8000, "grey"},
	{"pending", 10, 3000, "yellow"},
	{"cancelled", 8, 9000, "red"},
}

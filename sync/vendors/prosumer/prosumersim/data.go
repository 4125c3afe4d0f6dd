package prosumersim

// The tables below are invented but shaped like a German prosumer
// aggregator's book: households and small businesses with PV, batteries,
// heat pumps and wallboxes, each asset with the contracts it brings.

// assetKind is the sort of installation a contract is about.
type assetKind int

const (
	assetPV assetKind = iota
	assetBattery
	assetHeatPump
	assetWallbox
)

// energyDef is an energy contract a customer may have.
type energyDef struct {
	name, contractType, description string
	asset                           assetKind
}

var energyDefs = []energyDef{
	{"PV-Einspeisung Dach Nord", "Einspeisung", "Einspeisevergütung nach EEG, Überschusseinspeisung", assetPV},
	{"PV-Einspeisung Dach Süd", "Einspeisung", "Einspeisevergütung nach EEG, Überschusseinspeisung", assetPV},
	{"PV-Einspeisung Carport", "Einspeisung", "Einspeisevergütung nach EEG, Volleinspeisung", assetPV},
	{"Direktvermarktung PV-Freifläche", "Direktvermarktung", "Marktprämienmodell, monatlicher Marktwert Solar", assetPV},
	{"Reststrombezug Haushalt", "Bezug", "Strombezug für den Bedarf, den die eigene Anlage nicht deckt", assetPV},
	{"Wärmepumpenstrom", "Bezug", "Steuerbare Verbrauchseinrichtung nach § 14a EnWG, Modul 2", assetHeatPump},
	{"Wallbox Ladestrom", "Bezug", "Ladestrom mit separatem Zählpunkt", assetWallbox},
	{"Speicher Netzbezug", "Bezug", "Netzbezug zur Zwischenspeicherung", assetBattery},
	{"Mieterstrom Haus A", "Mieterstrom", "Mieterstromzuschlag nach § 21 Abs. 3 EEG", assetPV},
}

// serviceDef is a service contract.
type serviceDef struct {
	name, contractType, description string
	asset                           assetKind
}

var serviceDefs = []serviceDef{
	{"Wartungsvertrag PV", "Wartung", "Jährliche Inspektion von Modulen, Wechselrichter und Verkabelung", assetPV},
	{"Wartungsvertrag Wärmepumpe", "Wartung", "Jährliche Wartung inklusive Kältemittelprüfung", assetHeatPump},
	{"Fernüberwachung Batteriespeicher", "Monitoring", "Überwachung von Ladezustand und Zellspannungen rund um die Uhr", assetBattery},
	{"Reinigung PV-Module", "Reinigung", "Reinigung der Module zweimal im Jahr", assetPV},
	{"Messstellenbetrieb iMSys", "Messstellenbetrieb", "Intelligentes Messsystem mit Smart-Meter-Gateway", assetPV},
	{"Wallbox Service Plus", "Wartung", "Prüfung nach DGUV V3 und Ersatzteilgarantie", assetWallbox},
}

// flexDef is a flexibility contract: which asset is steered and how.
type flexDef struct {
	name  string
	asset assetKind
}

var flexDefs = []flexDef{
	{"Wärmepumpe Flex", assetHeatPump},
	{"Batteriespeicher Regelenergie", assetBattery},
	{"Batteriespeicher Flex Plus", assetBattery},
	{"Wallbox Lastverschiebung", assetWallbox},
	{"PV-Abregelung Redispatch", assetPV},
}

// assetModels name the installations; power is the range in tenths of kW a
// household's model of that kind can shift.
var assetModels = map[assetKind][]string{
	assetPV:       {"PV-Anlage Dach Nord", "PV-Anlage Dach Süd", "PV-Anlage Carport", "PV-Anlage Scheune"},
	assetBattery:  {"BYD Battery-Box HVS 10.2", "sonnenBatterie 10 performance", "SENEC.Home V3 hybrid", "Tesla Powerwall 2"},
	assetHeatPump: {"Vaillant aroTHERM plus 10 kW", "Viessmann Vitocal 250-A", "Stiebel Eltron WPL 25 A", "Daikin Altherma 3 H HT"},
	assetWallbox:  {"KEBA KeContact P30", "ABL eMH1", "Mennekes Amtron Charge Control", "Heidelberg Energy Control"},
}

var householdPower = map[assetKind][2]int{
	assetPV:       {30, 300},
	assetBattery:  {50, 150},
	assetHeatPump: {20, 150},
	assetWallbox:  {110, 220},
}

var permittedIntervals = []string{
	"06:00-09:00;17:00-21:00",
	"00:00-24:00",
	"10:00-16:00",
	"17:00-20:00",
	"22:00-06:00",
	"07:00-10:00;16:00-19:00",
}

var nonConformance = []string{
	"Bei Nichterbringung einer Aktivierung entfällt die Reservierungsgebühr für den laufenden Monat.",
	"Abweichungen über der Toleranz werden mit 50 % der Aktivierungsgebühr verrechnet.",
	"Nach drei Nichterfüllungen innerhalb von 30 Tagen ruht der Vertrag bis zur Prüfung der Anlage.",
	"Keine Vertragsstrafe; wiederholte Nichterfüllung berechtigt zur Kündigung.",
}

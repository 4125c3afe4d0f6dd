package otarksim

// The tables below are invented but shaped like a Dutch and German PPA and
// short-term trading book: producers with their parks, industrial offtakers
// and utilities as buyers, trading desks as day-ahead and intraday
// counterparties, each in the control area of the TSO that runs its grid.

type country string

const (
	nl country = "NL"
	de country = "DE"
)

// company is a buyer, a producer or a trading desk. Its EIC code is made
// from its name (see eic).
type company struct {
	name    string
	country country
	tso     string
}

// buyers are the offtakers of PPAs and the buying side of trades.
var buyers = []company{
	{"GreenCo Energy BV", nl, "TenneT"},
	{"Rotterdam Staal Industrie BV", nl, "TenneT"},
	{"Noordzee Datacenters BV", nl, "TenneT"},
	{"Groningen Chemie BV", nl, "TenneT"},
	{"Brabantse Voedingsmiddelen BV", nl, "TenneT"},
	{"Zeeuwse Aluminium Smelter BV", nl, "TenneT"},
	{"Westland Glastuinbouw U.A.", nl, "TenneT"},
	{"Amstel Brouwerijen BV", nl, "TenneT"},
	{"Twentse Papierfabriek BV", nl, "TenneT"},
	{"Limburg Kunststoffen BV", nl, "TenneT"},
	{"Energiecoöperatie Veluwe U.A.", nl, "TenneT"},
	{"Rheinische Stahlwerke AG", de, "Amprion"},
	{"Ruhr Zement AG", de, "Amprion"},
	{"Westfalen Lebensmittel GmbH", de, "Amprion"},
	{"Pfalz Chemie GmbH", de, "Amprion"},
	{"Bayerische Chemiepark GmbH", de, "TenneT"},
	{"Nordsee Wasserstoff GmbH", de, "TenneT"},
	{"Stadtwerke Ostfriesland GmbH", de, "TenneT"},
	{"Hanse Rechenzentren GmbH", de, "50Hertz"},
	{"Mitteldeutsche Glaswerke GmbH", de, "50Hertz"},
	{"Elbe Kupferhütte GmbH", de, "50Hertz"},
	{"Berliner Verkehrsbetriebe Energie GmbH", de, "50Hertz"},
	{"Schwäbische Zulieferer GmbH", de, "TransnetBW"},
	{"Süddeutsche Papierfabrik GmbH", de, "TransnetBW"},
	{"Stadtwerke Neckartal GmbH", de, "TransnetBW"},
}

// traders sell day-ahead and intraday power.
var traders = []company{
	{"Polder Power Trading BV", nl, "TenneT"},
	{"Deltastroom Handel BV", nl, "TenneT"},
	{"Nordlicht Energiehandel GmbH", de, "TenneT"},
	{"Rhein-Ruhr Trading GmbH", de, "Amprion"},
	{"Spree Energiehandel GmbH", de, "50Hertz"},
	{"Alpenstrom Handel GmbH", de, "TransnetBW"},
}

type technology string

const (
	solar technology = "solar"
	wind  technology = "wind"
	hydro technology = "hydro"
)

// park is a generating asset with the producer that sells its output.
type park struct {
	name     string
	tech     technology
	country  country
	tso      string
	minMW    int // nominal power range in MW
	maxMW    int
	owner    string
	offshore bool
}

var parks = []park{
	{"Zonnepark De Wilgen", solar, nl, "TenneT", 15, 40, "Wilgen Zon BV", false},
	{"Zonnepark Hooge Veld", solar, nl, "TenneT", 8, 30, "Drenthe Solar Exploitatie BV", false},
	{"Windpark Noordoostpolder-Zuid", wind, nl, "TenneT", 60, 120, "Noordwind Exploitatie BV", false},
	{"Windpark Zeewolde-Oost", wind, nl, "TenneT", 40, 110, "Flevo Wind BV", false},
	{"Waterkrachtcentrale Linne", hydro, nl, "TenneT", 5, 12, "Maas Waterkracht BV", false},
	{"Solarpark Lieberose-Nord", solar, de, "50Hertz", 40, 90, "Lausitz Solar GmbH & Co. KG", false},
	{"Solarpark Weesow", solar, de, "50Hertz", 60, 120, "Barnim Sonnenstrom GmbH", false},
	{"Solarpark Donauried", solar, de, "TenneT", 10, 45, "Donau Photovoltaik GmbH", false},
	{"Solarpark Kraichgau", solar, de, "TransnetBW", 5, 25, "Kraichgau Solar GmbH & Co. KG", false},
	{"Windpark Uckermark", wind, de, "50Hertz", 30, 90, "Uckermark Wind GmbH & Co. KG", false},
	{"Windpark Hunsrück-Höhe", wind, de, "Amprion", 20, 70, "Hunsrück Windkraft GmbH", false},
	{"Windpark Ostfriesland-Nord", wind, de, "TenneT", 40, 100, "Ostfriesische Windenergie GmbH", false},
	{"Windpark Schwäbische Alb", wind, de, "TransnetBW", 10, 45, "Alb Wind GmbH & Co. KG", false},
	{"Offshore-Windpark Borkum Riff West", wind, de, "TenneT", 90, 120, "Nordwind Offshore GmbH", true},
	{"Laufwasserkraftwerk Isar-Süd", hydro, de, "TenneT", 5, 30, "Isar Wasserkraft GmbH", false},
	{"Wasserkraftwerk Rheinfelden-Ost", hydro, de, "TransnetBW", 20, 60, "Hochrhein Energie GmbH", false},
	{"Moselkraftwerk Trier-Ehrang", hydro, de, "Amprion", 5, 20, "Mosel Wasserkraft GmbH", false},
}

// ppaTypes with their weight in percent.
var ppaTypes = []struct {
	name   string
	weight int
}{{"indexed", 50}, {"fixed", 30}, {"hybrid", 20}}

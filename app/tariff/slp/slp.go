package slp

import (
	"errors"
	"fmt"
	"strings"
)

// Profile names a standard load profile: "H25", "G25", "L25", "P25", "S25",
// "H0", "G0" to "G6", "L0" to "L2".
type Profile string

// Info describes a profile for a form and for a report's assumptions.
type Info struct {
	Profile     Profile
	Name        string // "Haushalt (H25)"
	Description string
	Dynamised   bool
	Year        int // 2025 or 1999: the generation of the profile
}

// infos is in the order a form offers the profiles: the current ones first,
// the common ones first among them.
var infos = []Info{
	{"H25", "Haushalt (H25)", "Haushalte ohne eigene Erzeugung (BDEW 2025, dynamisiert)", true, 2025},
	{"G25", "Gewerbe (G25)", "Gewerbe, Handel und Dienstleistung (BDEW 2025)", false, 2025},
	{"L25", "Landwirtschaft (L25)", "Landwirtschaftliche Betriebe (BDEW 2025)", false, 2025},
	{"P25", "Haushalt mit PV (P25)", "Haushalte mit Photovoltaikanlage, Bezug aus dem Netz (BDEW 2025, dynamisiert)", true, 2025},
	{"S25", "Haushalt mit PV und Speicher (S25)", "Haushalte mit Photovoltaikanlage und Batteriespeicher, Bezug aus dem Netz (BDEW 2025, dynamisiert)", true, 2025},
	{"H0", "Haushalt 1999 (H0)", "Haushalte (VDEW 1999, dynamisiert)", true, 1999},
	{"G0", "Gewerbe allgemein (G0)", "Gewichteter Durchschnitt der Gewerbeprofile G1 bis G6 (VDEW 1999)", false, 1999},
	{"G1", "Gewerbe werktags 8–18 Uhr (G1)", "Büros, Arztpraxen, Werkstätten, Verwaltung (VDEW 1999)", false, 1999},
	{"G2", "Gewerbe mit Abendverbrauch (G2)", "Überwiegender Verbrauch in den Abendstunden, z. B. Gaststätten, Sportstätten (VDEW 1999)", false, 1999},
	{"G3", "Gewerbe durchlaufend (G3)", "Gleichmäßiger Verbrauch rund um die Uhr, z. B. Kühlhäuser, Pumpen, Kläranlagen (VDEW 1999)", false, 1999},
	{"G4", "Laden, Friseur (G4)", "Einzelhandel und Friseure (VDEW 1999)", false, 1999},
	{"G5", "Bäckerei mit Backstube (G5)", "Bäckereien mit Backstube (VDEW 1999)", false, 1999},
	{"G6", "Wochenendbetrieb (G6)", "Überwiegender Verbrauch am Wochenende, z. B. Kinos, Freizeitstätten (VDEW 1999)", false, 1999},
	{"L0", "Landwirtschaft allgemein (L0)", "Gewichteter Durchschnitt der Landwirtschaftsprofile L1 und L2 (VDEW 1999)", false, 1999},
	{"L1", "Landwirtschaft mit Milchwirtschaft (L1)", "Betriebe mit Milchwirtschaft oder Nebenerwerbs-Tierzucht (VDEW 1999)", false, 1999},
	{"L2", "Übrige Landwirtschaft (L2)", "Übrige landwirtschaftliche Betriebe (VDEW 1999)", false, 1999},
}

// Profiles lists every profile in the order a form offers them: H25, G25,
// L25, P25, S25, then the 1999 profiles. The slice is the caller's.
func Profiles() []Info { return append([]Info(nil), infos...) }

// Errors of Parse, Weights and Curve, for errors.Is.
var (
	ErrUnknownProfile = errors.New("unknown standard load profile")
	ErrSpan           = errors.New("invalid span")
	ErrAmount         = errors.New("invalid annual consumption")
)

// Parse returns the profile named s, ignoring case and surrounding space.
func Parse(s string) (Profile, error) {
	t := strings.TrimSpace(s)
	for _, in := range infos {
		if strings.EqualFold(t, string(in.Profile)) {
			return in.Profile, nil
		}
	}
	return "", unknown(s)
}

func unknown(s string) error {
	names := make([]string, len(infos))
	for i, in := range infos {
		names[i] = string(in.Profile)
	}
	return fmt.Errorf("%w %q: want one of %s", ErrUnknownProfile, s, strings.Join(names, ", "))
}

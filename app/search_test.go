package app

import (
	"strings"
	"testing"
)

func TestSearchFindsWhatPeopleType(t *testing.T) {
	stored := SearchText("Bäckerei  Müller GmbH\x1fCafé Straße")
	for _, q := range []string{"Müller", "mueller", "MULLER", "muller gmbh", "bäckerei müller", "baeckerei", "backerei  muller", "cafe", "CAFÉ", "strasse", "Straße"} {
		if !strings.Contains(stored, FoldSearch(q)) {
			t.Errorf("%q does not find %q (folded %q in %q)", q, "Bäckerei Müller GmbH / Café Straße", FoldSearch(q), stored)
		}
	}
	for _, q := range []string{"mõller", "meller", "bakery"} {
		if strings.Contains(stored, FoldSearch(q)) {
			t.Errorf("%q found %q", q, stored)
		}
	}
	if got := SearchText("plain ascii"); got != "plain ascii" {
		t.Errorf("an ascii text is stored twice: %q", got)
	}
}

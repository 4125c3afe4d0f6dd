package simulate

import (
	"os"
	"testing"
)

// The generated sources file is the one wattfolio sim wrote before the
// simulators came from the registry (testdata/sources.toml, written by
// that binary with --seed 1 at 127.0.0.1:18791): the vendors' tables and
// every customer's ids in the same order, byte for byte.
func TestSourcesFileUnchanged(t *testing.T) {
	want, err := os.ReadFile("testdata/sources.toml")
	if err != nil {
		t.Fatal(err)
	}
	if got := New(Options{Seed: 1, EnneoContracts: 300}).SourcesTOML("http://127.0.0.1:18791"); got != string(want) {
		t.Errorf("the sources file changed:\n%s", got)
	}
}

package otark

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"wattfolio/sync/vendors/internal/vendortest"
)

// A page of contracts is read or refused as a whole, and each of its
// contracts maps to one the cache can keep or to a failure naming it.
func FuzzDecodePage(f *testing.F) {
	seed, err := os.ReadFile(filepath.Join("testdata", "contracts_seed.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	for _, s := range []string{
		`{"contracts":[{"id":"c1","type":"day_ahead","asset":{"nominal_power":"25"}}],"pagination":{"has_more":false,"next_cursor":" c1 "}}`,
		`{"contracts":[{"id":"","type":"ppa"},{"id":"c2","type":"intraday","created_at":"2024-11-20T10:00:00+01:00"}],"pagination":{"has_more":true}}`,
		`{"contracts":[null,5,{"type":7}],"pagination":{"has_more":false}}`, `{"contracts":[]}`, `{"pagination":{"has_more":true}}`, `[]`, ``,
	} {
		f.Add([]byte(s))
	}
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		env, err := decodeEnvelope(body)
		if err != nil {
			vendortest.CheckFailure(t, body, err.Error())
			return
		}
		for _, raw := range env.contracts {
			c, id, ferr := toContract(raw, "s", at)
			if ferr != nil {
				vendortest.CheckFailure(t, body, ferr.Error())
				continue
			}
			vendortest.CheckMapped(t, raw, c)
			if id != c.ExternalID || c.PPA == nil {
				t.Fatalf("contract %q named %q, terms %v", c.ExternalID, id, c.PPA)
			}
		}
	})
}

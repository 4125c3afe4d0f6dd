package epilotsim

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"maps"
	"net/http/httptest"
	"slices"
	"testing"
	"time"
)

// The simulator's time series are pinned byte for byte: its generator is
// tuned for speed (it shares the benchmark's cores with the sync it
// serves), and a tuning that changed one float, one digit or the order of
// the records would silently change every golden file and benchmark that
// stands on it. The hashes were recorded from the generator as it was
// before it was tuned (commit "epilotsim: pin the time-series bytes");
// a deliberate change to the data re-records them.

// pinMeters of the seed-7, 24-meter household simulation, one of each
// kind the generator distinguishes (TestPinnedSeries checks the kinds).
var pinMeters = []struct {
	m    int
	kind profile
}{
	{0, profile{pv: true, ntht: true, quarter: true}},
	{4, profile{business: true, quarter: true}},
	{5, profile{quarter: true}},
	{6, profile{}},                           // an old meter: hours at best
	{7, profile{pv: true, quarter: true}},    // single tariff with feed-in
	{10, profile{quarter: true, lies: true}}, // offers PT15M, refuses it
	{13, profile{ntht: true}},                // an old double-tariff meter
	{21, profile{ntht: true, quarter: true, lies: true}},
}

// pinWindows cross both DST changes of 2026 in Europe/Berlin, month
// boundaries (in UTC and in local time), an unaligned start, the end of
// the data range, and the whole range at days. Revised windows ask after
// Revise(3), which touches the last two days.
var pinWindows = []struct {
	name     string
	from, to time.Time
	ivs      []string
	revised  bool
}{
	{"spring", utc(2026, 3, 27, 22, 0), utc(2026, 4, 2, 0, 0), []string{"PT15M", "PT1H", "P1D"}, false},
	{"autumn", utc(2026, 10, 23, 22, 0), utc(2026, 10, 27, 0, 0), []string{"PT15M", "PT1H", "P1D"}, false},
	{"unaligned", utc(2026, 5, 31, 21, 7), utc(2026, 6, 1, 3, 0), []string{"PT15M", "PT1H", "P1D"}, false},
	{"year", simFrom, simTo, []string{"P1D"}, false},
	{"end", utc(2026, 11, 27, 0, 0), utc(2026, 12, 3, 0, 0), []string{"PT15M", "PT1H", "P1D"}, false},
	{"revised", utc(2026, 11, 27, 0, 0), utc(2026, 12, 3, 0, 0), []string{"PT15M", "PT1H", "P1D"}, true},
}

// recordPins prints the hashes as Go literals instead of checking them,
// for a deliberate change to the data:
// go test -run TestPinnedSeries -record-pins .
var recordPins = flag.Bool("record-pins", false, "print the pinned series hashes instead of checking them")

func utc(y int, mo time.Month, d, h, mi int) time.Time {
	return time.Date(y, mo, d, h, mi, 0, 0, time.UTC)
}

// pinned is the sha256 of every window's responses of one kind: for each
// meter and interval, "meter interval status\n", the body and "\n".
var pinned = map[string]string{
	"autumn/consumption":    "8ddd6c878dfcb7f8a50e92beafcb5db9be078c050d2e68908046b99528f4677b",
	"autumn/costs":          "988576b945643c0580d1d9fd70e963062fb844d153366e30e478664880db70e3",
	"autumn/prices":         "094bc3fe87c897604d7b7bfad7c2df70f80a6783a37183afc22bc71f4557abe8",
	"end/consumption":       "0cf1a0ed68e253a82313f0b6be11799d094857a67a0f534810e1a3add592b466",
	"end/costs":             "efda494b086519fbf435e05a72fdae1e9b41b506a33bcee16fc7b440fbadf1c3",
	"end/prices":            "7f10ccb8e9dee1ad03dbed0c5658fc749633a0071ed4843c2483abe8165f6966",
	"revised/consumption":   "8145934f1e29b338d1fac71f4624e98220697c5d2ff6b3e89a4fd9ddd2d1c1a4",
	"revised/costs":         "8956bd67f44c12df33b0af06356a42bd87784984da3c3a719fb02b6f99c10c77",
	"revised/prices":        "7f10ccb8e9dee1ad03dbed0c5658fc749633a0071ed4843c2483abe8165f6966",
	"spring/consumption":    "6286beb721c4300bc2ba50d8d5d0bfb207f774f0504781f58d9f05b16cdf8d20",
	"spring/costs":          "4a8762a41a701adaa32e925eabf52106cb90144cdaab5b8dfb7f590439648ce7",
	"spring/prices":         "87b669138bbccdf64c5ec0add8b2399185547088b967c562f06c3381a548ca0b",
	"unaligned/consumption": "e6133043d2fd630cc7d6ff8fd8889a9870005726dbc45cd19ec420211480f694",
	"unaligned/costs":       "48e64c84ebaaedbe167c08872fb1f1c6371306eada9a50934adf74dfec7af863",
	"unaligned/prices":      "f018ccaa389c5e5df251f5f3e53f342e8eaff9cbd3eb065153ccbbe9946c6a58",
	"year/consumption":      "35a039db3c4cb37624d7141d42224ad852929d8522c1fd38f7d0bbc0bef58ff9",
	"year/costs":            "3b87a9a5efc66ee65c8518ddae10b830f421e080b7bf1363cda240a8e0a7a02d",
	"year/prices":           "4c04158c40542c4662379449363c862509a6a6182e2e35ea5271a6e5cb17eb0e",
}

// pinnedBusiness is the same for a business portal user's first meters.
var pinnedBusiness = map[string]string{
	"autumn/consumption":    "577384b5e1594f96321be26e6ab0b3f3980cd93ca11275ce25661d011f5f46d7",
	"autumn/costs":          "6f83ab00b3c3c7099bffc33422e00fe726e55ac3ab7f35a7b75fd08ac473dafd",
	"autumn/prices":         "93c99a04194854412c8c6e2d10d7139a8f49dd60a27c201bfe2a7181a6509272",
	"end/consumption":       "ec3e4aac0737c7d4ee530ff8c120a039eaf0ad271e89da513315b0bb379f835d",
	"end/costs":             "4939a975dad9da1d30ff3ce28cc49b6a9c816598a75d5fb3c786c7f46185e2c7",
	"end/prices":            "c555de1538c7213b6376932d7935d9a89f93a2f584d72e9443152959fdb0c2af",
	"revised/consumption":   "0624f8c4e3d72b4edce568938792583f357607f9399aae745c8985bf69632a1b",
	"revised/costs":         "7807ea78c874812d575f338a3db427aec10bb947c0d3962aaf472dd657bc92d5",
	"revised/prices":        "c555de1538c7213b6376932d7935d9a89f93a2f584d72e9443152959fdb0c2af",
	"spring/consumption":    "d43d15da546353675307590d2a50f45fa7796f2f1616c43574d1a439000c4e6f",
	"spring/costs":          "5c0e79b4685d0ab4cba14ae38a0ea80a74895d1ea507e560474ec7113b95e54d",
	"spring/prices":         "b263a12795b139d23f8eb63a8502f44c417e9c09eed9238224463b52c46385c3",
	"unaligned/consumption": "1ce527018ab345ba8c7486f89083334f7dc0bb10f66e51e74cd250bfdad05fe5",
	"unaligned/costs":       "dff4b4bb7e524534f56bb1a1a4870988629163c0d54c6435eead1920428389f3",
	"unaligned/prices":      "2ecf6208a6d7c7d94893c8bd7db5187aad130c22b2e40363665767e05aa19dd6",
	"year/consumption":      "5b1f7c5d06e44111a23d881c3a2ade4eb1efbd93a44210492e0eb22b44cf2e95",
	"year/costs":            "dce2c14047cb44524d3f07482b2e43d4e8f176e7324da8cd570e7199bd4aac8e",
	"year/prices":           "8e18639f2afe7ab55141f9b3bfab437a3b3bd23167ecbbc60fe1b485e473d1fa",
}

func pinHashes(t *testing.T, business bool, meters []int) map[string]string {
	t.Helper()
	s := New(Options{Seed: 7, Meters: 24, Token: "tok", From: simFrom, To: simTo, Business: business})
	srv := httptest.NewServer(s)
	defer srv.Close()
	got := map[string]string{}
	for _, w := range pinWindows {
		if w.revised {
			s.Revise(3)
		}
		for _, kind := range []string{"consumption", "prices", "costs"} {
			h := sha256.New()
			for _, m := range meters {
				for _, iv := range w.ivs {
					status, body := get(t, srv, "tok", "/v2/portal/"+kind, seriesQuery(m, w.from, w.to, iv))
					fmt.Fprintf(h, "%d %s %d\n", m, iv, status)
					h.Write(body)
					h.Write([]byte("\n"))
				}
			}
			got[w.name+"/"+kind] = hex.EncodeToString(h.Sum(nil))
		}
		s.Revise(0)
	}
	return got
}

func TestPinnedSeries(t *testing.T) {
	s := New(Options{Seed: 7, Meters: 24, From: simFrom, To: simTo})
	var meters []int
	for _, pm := range pinMeters {
		p := s.profile(pm.m)
		kind := profile{business: p.business, pv: p.pv, ntht: p.ntht, quarter: p.quarter, lies: p.lies}
		if kind != pm.kind {
			t.Fatalf("meter %d is %+v, want %+v: the seed's meters changed", pm.m, kind, pm.kind)
		}
		meters = append(meters, pm.m)
	}
	for _, tc := range []struct {
		name     string
		business bool
		meters   []int
		want     map[string]string
	}{
		{"households", false, meters, pinned},
		{"business", true, []int{0, 6, 10}, pinnedBusiness},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := pinHashes(t, tc.business, tc.meters)
			if *recordPins {
				for _, k := range slices.Sorted(maps.Keys(got)) {
					fmt.Printf("\t%q: %q,\n", k, got[k])
				}
				return
			}
			if len(got) != len(tc.want) {
				t.Errorf("%d windows and kinds hashed, %d pinned", len(got), len(tc.want))
			}
			for k, h := range got {
				if tc.want[k] != h {
					t.Errorf("%s: sha256 %s, want %s", k, h, tc.want[k])
				}
			}
		})
	}
}

package slp

import (
	"cmp"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"wattfolio/app"
)

func TestCurveSumsToTheYear(t *testing.T) {
	spans := []struct {
		name     string
		from, to string
		slots    int
	}{
		{"2026", "2026-01-01", "2027-01-01", 365 * 96},
		{"leap 2028", "2028-01-01", "2029-01-01", 366 * 96},
		// Starts mid-year: 1 July 2026 to 1 July 2027, across New Year
		// and both clock changes of 2026/27.
		{"July to July", "2026-07-01", "2027-07-01", 365 * 96},
	}
	for _, p := range []Profile{"H25", "G25", "L25", "P25", "S25", "H0", "G1", "L2"} {
		for _, kWh := range []string{"3500", "123456.789", "0.000001", "0"} {
			for _, sp := range spans {
				from, _ := localDay(t, sp.from, berlin)
				to, _ := localDay(t, sp.to, berlin)
				annual := app.MustDecimal(kWh)
				got, err := Curve(p, annual, from, to, berlin)
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != sp.slots {
					t.Errorf("%s %s: %d slots, want %d", p, sp.name, len(got), sp.slots)
				}
				if s := total(got); s != annual {
					t.Errorf("%s %s kWh %s: sums to %s", p, kWh, sp.name, s)
				}
				// Each slot is its exact share rounded down or up.
				w, _ := Weights(p, from, to, berlin)
				year := total(w)
				for i, v := range got {
					exact := w[i] * float64(annual) / year
					if v < 0 || math.Abs(float64(v)-exact) >= 1 {
						t.Fatalf("%s %s kWh %s slot %d: %d millionths, exact %.3f", p, kWh, sp.name, i, v, exact)
					}
				}
			}
		}
	}
}

// A span other than the year starting at its first day takes that year's
// scale: its total is the year's share, rounded to six places.
func TestCurveOtherSpans(t *testing.T) {
	annual := app.MustDecimal("3500")
	yearFrom, _ := localDay(t, "2026-01-01", berlin)
	yearTo, _ := localDay(t, "2027-01-01", berlin)
	year, err := Weights("H25", yearFrom, yearTo, berlin)
	if err != nil {
		t.Fatal(err)
	}
	yearSum := total(year)
	for _, tc := range []struct {
		name     string
		from, to time.Time
	}{
		{"January", yearFrom, time.Date(2026, 1, 31, 23, 0, 0, 0, time.UTC)},
		{"a day and a half", time.Date(2026, 1, 1, 11, 0, 0, 0, time.UTC), time.Date(2026, 1, 3, 0, 0, 0, 0, time.UTC)},
		{"two years", yearFrom, yearTo.AddDate(1, 0, 0)},
	} {
		got, err := Curve("H25", annual, tc.from, tc.to, berlin)
		if err != nil {
			t.Fatal(err)
		}
		// The scale of the year from 1 January 2026 (local midnight of
		// the span's first local date), also for the span from 12:00.
		w, _ := Weights("H25", tc.from, tc.to, berlin)
		span := total(w)
		if tc.name == "two years" {
			if total(w[:len(year)]) != yearSum {
				t.Fatalf("two years: the first year's weights differ from 2026's")
			}
		}
		want := app.Decimal(math.Round(float64(annual) * span / yearSum))
		if s := total(got); s != want {
			t.Errorf("%s: sums to %s, want %s", tc.name, s, want)
		}
	}
	// January of the year's curve and January on its own differ only by
	// the rounding of single slots.
	whole, _ := Curve("H25", annual, yearFrom, yearTo, berlin)
	jan, _ := Curve("H25", annual, yearFrom, time.Date(2026, 1, 31, 23, 0, 0, 0, time.UTC), berlin)
	for i := range jan {
		if d := whole[i] - jan[i]; d < -1 || d > 1 {
			t.Fatalf("slot %d: %s in the year, %s in January", i, whole[i], jan[i])
		}
	}
}

func TestCurveIsDeterministic(t *testing.T) {
	from, _ := localDay(t, "2026-07-01", berlin)
	to, _ := localDay(t, "2027-07-01", berlin)
	a, _ := Curve("G25", app.MustDecimal("123456.789"), from, to, berlin)
	b, _ := Curve("G25", app.MustDecimal("123456.789"), from, to, nil)
	if !slices.Equal(a, b) {
		t.Error("two curves of the same input differ")
	}
}

func TestErrors(t *testing.T) {
	from, to := localDay(t, "2026-01-07", berlin)
	kWh := app.MustDecimal("3500")
	for _, tc := range []struct {
		name     string
		p        Profile
		from, to time.Time
		kWh      app.Decimal
		want     error
		text     string
	}{
		{"unknown profile", "H26", from, to, kWh, ErrUnknownProfile, "H25, G25, L25, P25, S25, H0, G0"},
		{"lower case", "h25", from, to, kWh, ErrUnknownProfile, `"h25"`},
		{"empty span", "H25", from, from, kWh, ErrSpan, "not before"},
		{"reversed span", "H25", to, from, kWh, ErrSpan, "not before"},
		{"from off the quarter hour", "H25", from.Add(7 * time.Minute), to, kWh, ErrSpan, "quarter hour"},
		{"to off by a second", "H25", from, to.Add(time.Second), kWh, ErrSpan, "quarter hour"},
		{"negative kWh", "H25", from, to, app.MustDecimal("-1"), ErrAmount, "-1 kWh"},
		{"too many kWh", "H25", from, to, app.DecimalFromInt(MaxAnnualKWh + 1), ErrAmount, "1000000001 kWh"},
	} {
		_, err := Curve(tc.p, tc.kWh, tc.from, tc.to, berlin)
		if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.text) {
			t.Errorf("%s: Curve: %v, want %v saying %q", tc.name, err, tc.want, tc.text)
		}
		if tc.want == ErrAmount {
			continue
		}
		if _, err := Weights(tc.p, tc.from, tc.to, berlin); !errors.Is(err, tc.want) {
			t.Errorf("%s: Weights: %v, want %v", tc.name, err, tc.want)
		}
	}
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Profile
	}{{"H25", "H25"}, {"h25", "H25"}, {" g0 ", "G0"}, {"l2", "L2"}, {"s25", "S25"}} {
		if got, err := Parse(tc.in); err != nil || got != tc.want {
			t.Errorf("Parse(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"", "H", "G7", "H 25", "H25x"} {
		if _, err := Parse(in); !errors.Is(err, ErrUnknownProfile) || !strings.Contains(err.Error(), "L0, L1, L2") {
			t.Errorf("Parse(%q): %v", in, err)
		}
	}
}

func TestProfiles(t *testing.T) {
	infos := Profiles()
	var names []string
	for _, in := range infos {
		names = append(names, string(in.Profile))
		if p, err := Parse(string(in.Profile)); err != nil || p != in.Profile {
			t.Errorf("%s does not parse: %v", in.Profile, err)
		}
		if !strings.Contains(in.Name, "("+string(in.Profile)+")") {
			t.Errorf("%s: name %q", in.Profile, in.Name)
		}
		if tab, err := table(in.Profile); err != nil || (tab.factor != nil) != in.Dynamised {
			t.Errorf("%s: table %v, dynamised %v", in.Profile, err, in.Dynamised)
		}
	}
	want := "H25 G25 L25 P25 S25 H0 G0 G1 G2 G3 G4 G5 G6 L0 L1 L2"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("Profiles: %s, want %s", got, want)
	}
	infos[0].Name = "changed"
	if Profiles()[0].Name == "changed" {
		t.Error("Profiles shares its slice")
	}
}

func TestApportion(t *testing.T) {
	for _, tc := range []struct {
		name  string
		w     []float64
		scale float64
		total int64
		want  []app.Decimal
	}{
		// 10 units over three equal weights: 3.333 each, the first
		// gets the spare unit.
		{"tie", []float64{1, 1, 1}, 10.0 / 3, 10, []app.Decimal{4, 3, 3}},
		// 2.6, 3.3, 4.1: the largest remainder .6 first.
		{"remainders", []float64{2.6, 3.3, 4.1}, 1, 10, []app.Decimal{3, 3, 4}},
		// Less than the floors (float error only): take from the smallest
		// remainders, not from a zero slot.
		{"above total", []float64{0, 2.1, 3.4}, 1, 4, []app.Decimal{0, 1, 3}},
		{"exact", []float64{2, 3}, 1, 5, []app.Decimal{2, 3}},
	} {
		got, err := apportion(tc.w, tc.scale, tc.total)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v %v, want %v", tc.name, got, err, tc.want)
		}
	}
	if _, err := apportion([]float64{1}, 1, 3); err == nil {
		t.Error("apportion raised one slot by two units")
	}
}

// raise picks what sorting by key, then by slot, would pick.
func TestRaise(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := 1; n < 3000; n += 37 {
		key := make([]float64, n)
		for i := range key {
			switch n % 3 {
			case 0:
				key[i] = float64(r.IntN(5)) / 4 // many ties, 1 included
			case 1:
				key[i] = r.Float64()
			default:
				key[i] = r.Float64()/1000 - 0.0001 // one bucket, some never
			}
		}
		order := make([]int, 0, n)
		for i, x := range key {
			if x >= 0 {
				order = append(order, i)
			}
		}
		slices.SortStableFunc(order, func(i, j int) int { return cmp.Compare(key[j], key[i]) })
		for k := 1; k <= len(order); k += 1 + n/10 {
			var count histogram
			for _, x := range key {
				if x >= 0 {
					count[bucket(x)]++
				}
			}
			got := make([]app.Decimal, n)
			raise(got, key, &count, k, 1)
			want := make([]app.Decimal, n)
			for _, i := range order[:k] {
				want[i] = 1
			}
			if !slices.Equal(got, want) {
				t.Fatalf("n %d k %d: %v, want %v", n, k, got, want)
			}
		}
	}
}

// The tariff engine prices 500 customers' years in at most 2 s: a year's
// curve must take well under a millisecond.
func BenchmarkCurveYear(b *testing.B) {
	from := time.Date(2025, 12, 31, 23, 0, 0, 0, time.UTC) // 1 January 2026 local
	to := time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC)
	kWh := app.MustDecimal("3500")
	if _, err := Curve("H25", kWh, from, to, berlin); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		Curve("H25", kWh, from, to, berlin)
	}
}

func BenchmarkWeightsYear(b *testing.B) {
	from := time.Date(2025, 12, 31, 23, 0, 0, 0, time.UTC)
	to := time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC)
	for b.Loop() {
		Weights("H25", from, to, berlin)
	}
}

// The engine prices customers in parallel: curves share the tables and
// the scratch pool.
func TestCurveConcurrent(t *testing.T) {
	from, _ := localDay(t, "2026-01-01", berlin)
	to, _ := localDay(t, "2027-01-01", berlin)
	want, _ := Curve("H25", app.MustDecimal("3500"), from, to, berlin)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			got, err := Curve("H25", app.MustDecimal("3500"), from, to, berlin)
			if err != nil || !slices.Equal(got, want) {
				t.Errorf("a parallel curve differs: %v", err)
			}
		})
	}
	wg.Wait()
}

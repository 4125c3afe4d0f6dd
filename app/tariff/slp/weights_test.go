package slp

import (
	"encoding/csv"
	"math"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"wattfolio/app"
)

var berlin = app.DefaultZone()

// column reads one month × day type column of a 2025 table straight from
// the file, apart from the package's loader.
func column(t *testing.T, file, month, dayType string) []float64 {
	t.Helper()
	rows := readTestCSV(t, file)
	for c := 1; c < len(rows[0]); c++ {
		if rows[0][c] == month && rows[1][c] == dayType {
			var out []float64
			for _, r := range rows[2:] {
				out = append(out, parse(t, r[c]))
			}
			return out
		}
	}
	t.Fatalf("%s has no column %s %s", file, month, dayType)
	return nil
}

// typicalDay reads a 1999 profile's day of the given period and weekday
// (1 = Monday) from demandlib's series, in the file's unit.
func typicalDay(t *testing.T, period string, weekday int, name string) []float64 {
	t.Helper()
	rows := readTestCSV(t, "selp_series.csv")
	c := slices.Index(rows[0], name)
	var out []float64
	for _, r := range rows[1:] {
		if r[1] == period && r[2] == strconv.Itoa(weekday) {
			out = append(out, parse(t, r[c]))
		}
	}
	if len(out) != 96 {
		t.Fatalf("selp_series.csv: %d rows of %s %s %d", len(out), name, period, weekday)
	}
	return out
}

var testCSV = map[string][][]string{}

func readTestCSV(t *testing.T, file string) [][]string {
	t.Helper()
	if rows, ok := testCSV[file]; ok {
		return rows
	}
	f, err := os.Open("data/" + file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	testCSV[file] = rows
	return rows
}

func parse(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// localDay returns the instants of local midnight of the date and of the next.
func localDay(t *testing.T, s string, loc *time.Location) (time.Time, time.Time) {
	t.Helper()
	d, err := time.ParseInLocation(time.DateOnly, s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return d, d.AddDate(0, 0, 1)
}

func scaled(v []float64, f float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = x * f
	}
	return out
}

// The rows a local day takes: 00:00 to 01:45 and 03:00 to 23:45 on the
// spring day, 00:00 to 02:45 and again 02:00 to 23:45 on the autumn day.
func springDay(v []float64) []float64 { return slices.Concat(v[:8], v[12:]) }
func autumnDay(v []float64) []float64 { return slices.Concat(v[:12], v[8:]) }

func TestWeightsOfSampleDays(t *testing.T) {
	for _, tc := range []struct {
		name    string
		profile Profile
		date    string
		want    []float64
	}{
		// A Wednesday in January: the January WT column as it stands
		// (00:00 14.832, 10:00 67.977, 23:45 15.371).
		{"G25 workday", "G25", "2026-01-07", column(t, "g25.csv", "Januar", "WT")},
		// A Saturday in July, day 185: F(185) = −3.92e-10·185⁴ + 3.2e-7·185³
		// − 7.02e-5·185² + 2.1e-3·185 + 1.24 = 0.792856, so 12:00 is
		// 43.972 × 0.792856 = 34.864.
		{"H25 Saturday", "H25", "2026-07-04", scaled(column(t, "h25.csv", "Juli", "SA"), 0.7928555550000002)},
		{"G25 Pfingstmontag", "G25", "2026-05-25", column(t, "g25.csv", "Mai", "FT")},
		{"G25 Christmas Eve", "G25", "2026-12-24", column(t, "g25.csv", "Dezember", "SA")},
		{"G25 New Year's Eve", "G25", "2026-12-31", column(t, "g25.csv", "Dezember", "SA")},
		// Leap day 366: F = 1.259685.
		{"H25 31 December 2028", "H25", "2028-12-31", scaled(column(t, "h25.csv", "Dezember", "FT"), 1.2596852250879995)},
		{"L25 leap day", "L25", "2028-02-29", column(t, "l25.csv", "Februar", "WT")},
		{"P25 Neujahr", "P25", "2027-01-01", scaled(column(t, "p25.csv", "Januar", "FT"), 1.242030119608)},
		{"S25 Sunday", "S25", "2026-01-04", scaled(column(t, "s25.csv", "Januar", "FT"), dynamisation(4))},
		// 1999: kW for 1,000 kWh × 250. H0 on day 7 takes F rounded to
		// four places: 1.251369 → 1.2514; at 12:00 0.1254 × 250 × 1.2514.
		{"H0 winter workday", "H0", "2026-01-07", scaled(typicalDay(t, "winter", 3, "h0"), 250*1.2514)},
		{"G1 summer Saturday", "G1", "2026-07-04", scaled(typicalDay(t, "summer", 6, "g1"), 250)},
		{"G4 transition holiday", "G4", "2026-05-14", scaled(typicalDay(t, "transition", 7, "g4"), 250)},
		{"L2 winter Christmas Eve", "L2", "2026-12-24", scaled(typicalDay(t, "winter", 6, "l2"), 250)},
		{"G0 last winter day", "G0", "2026-03-20", scaled(typicalDay(t, "winter", 5, "g0"), 250)},
		{"G0 first transition day", "G0", "2026-03-23", scaled(typicalDay(t, "transition", 1, "g0"), 250)},
		// Clock changes: 92 and 100 quarter hours.
		{"G25 spring day", "G25", "2026-03-29", springDay(column(t, "g25.csv", "März", "FT"))},
		{"G25 autumn day", "G25", "2026-10-25", autumnDay(column(t, "g25.csv", "Oktober", "FT"))},
		{"H25 spring day", "H25", "2026-03-29", springDay(scaled(column(t, "h25.csv", "März", "FT"), dynamisation(88)))},
		{"H0 autumn day", "H0", "2026-10-25", autumnDay(scaled(typicalDay(t, "transition", 7, "h0"), 250*1.0087))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			from, to := localDay(t, tc.date, berlin)
			got, err := Weights(tc.profile, from, to, berlin)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("%d quarter hours, want %d", len(got), len(tc.want))
			}
			for i := range got {
				if math.Abs(got[i]-tc.want[i]) > 1e-9 {
					t.Errorf("quarter hour %d: %v, want %v", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func TestWeightsSlotCounts(t *testing.T) {
	utc := time.UTC
	for _, tc := range []struct {
		name     string
		from, to string
		loc      *time.Location
		want     int
	}{
		{"spring day", "2026-03-29", "2026-03-30", berlin, 92},
		{"autumn day", "2026-10-25", "2026-10-26", berlin, 100},
		{"2026", "2026-01-01", "2027-01-01", berlin, 365 * 96},
		{"2028", "2028-01-01", "2029-01-01", berlin, 366 * 96},
		{"March 2026", "2026-03-01", "2026-04-01", berlin, 31*96 - 4},
		{"UTC spring day", "2026-03-29", "2026-03-30", utc, 96},
		{"New York spring day", "2026-03-08", "2026-03-09", mustZone(t, "America/New_York"), 92},
	} {
		from, _ := localDay(t, tc.from, tc.loc)
		to, _ := localDay(t, tc.to, tc.loc)
		got, err := Weights("H25", from, to, tc.loc)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != tc.want {
			t.Errorf("%s: %d quarter hours, want %d", tc.name, len(got), tc.want)
		}
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// A span that starts and ends inside days and crosses New Year: each
// quarter hour takes its own local day's row.
func TestWeightsAcrossNewYear(t *testing.T) {
	from := time.Date(2026, 12, 31, 22, 0, 0, 0, time.UTC) // 23:00 local
	to := time.Date(2027, 1, 1, 0, 30, 0, 0, time.UTC)     // 01:30 local
	got, err := Weights("H25", from, to, nil)
	if err != nil {
		t.Fatal(err)
	}
	dec := scaled(column(t, "h25.csv", "Dezember", "SA"), dynamisation(365))
	jan := scaled(column(t, "h25.csv", "Januar", "FT"), dynamisation(1))
	want := slices.Concat(dec[92:], jan[:6])
	if len(got) != len(want) {
		t.Fatalf("%d quarter hours, want %d", len(got), len(want))
	}
	for i := range got {
		if math.Abs(got[i]-want[i]) > 1e-9 {
			t.Errorf("quarter hour %d: %v, want %v", i, got[i], want[i])
		}
	}
}

// The 1999 file must hold one typical day per season and day type: the
// loader refuses it when a season's working days differ.
func TestTypicalDaysAgree(t *testing.T) {
	rows := readTestCSV(t, "selp_series.csv")
	if _, err := parse1999("selp_series.csv", rows); err != nil {
		t.Fatal(err)
	}
	for _, period := range seasonNames {
		for wd := 2; wd <= 5; wd++ {
			for _, name := range rows[0][3:] {
				if !slices.Equal(typicalDay(t, period, 1, name), typicalDay(t, period, wd, name)) {
					t.Errorf("%s %s: weekday %d differs from Monday", name, period, wd)
				}
			}
		}
	}
	bad := make([][]string, len(rows))
	for i, r := range rows {
		bad[i] = slices.Clone(r)
	}
	for _, r := range bad[1:] {
		if r[1] == "summer" && r[2] == "2" && r[0][11:] == "12:00:00" {
			r[5] = "0.5" // g1 on a summer Tuesday noon
		}
	}
	if _, err := parse1999("selp_series.csv", bad); err == nil {
		t.Error("a Tuesday unlike the Monday was accepted")
	}
}

// A year of each profile sums to about 1,000,000 kWh: the unit is what
// the package says, for the 1999 profiles too.
func TestWeightsYearSum(t *testing.T) {
	from, _ := localDay(t, "2026-01-01", berlin)
	to, _ := localDay(t, "2027-01-01", berlin)
	for _, in := range Profiles() {
		w, err := Weights(in.Profile, from, to, berlin)
		if err != nil {
			t.Fatal(err)
		}
		if sum := total(w); sum < 980_000 || sum > 1_020_000 {
			t.Errorf("%s: 2026 sums to %.0f kWh", in.Profile, sum)
		}
	}
}

package slp

import (
	"embed"
	"encoding/csv"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

//go:embed data/*.csv
var files embed.FS

// profile is a profile's table of typical days, in the package's unit.
type profile struct {
	days [][96]float64
	// day picks the typical day of a date of day type dt.
	day func(m time.Month, d, dt int) *[96]float64
	// factor is the dynamisation of day t of the year; nil when static.
	factor func(t int) float64
}

var (
	loadOnce sync.Once
	tables   map[Profile]*profile
	loadErr  error
)

// table parses the embedded files on first use, so that a price run
// costs no CSV parsing and a program that never asks for a profile none.
func table(p Profile) (*profile, error) {
	loadOnce.Do(func() { tables, loadErr = load() })
	if loadErr != nil {
		return nil, loadErr
	}
	t, ok := tables[p]
	if !ok {
		return nil, unknown(string(p))
	}
	return t, nil
}

// dynamisation is BDEW's F(t).
func dynamisation(t int) float64 {
	x := float64(t)
	return (((-3.92e-10*x+3.2e-7)*x-7.02e-5)*x+2.1e-3)*x + 1.24
}

func dynamisation4(t int) float64 { return math.Round(dynamisation(t)*1e4) / 1e4 }

func load() (map[Profile]*profile, error) {
	m := make(map[Profile]*profile)
	for _, in := range infos {
		if in.Year != 2025 {
			continue
		}
		p, err := load2025("data/" + strings.ToLower(string(in.Profile)) + ".csv")
		if err != nil {
			return nil, err
		}
		if in.Dynamised {
			p.factor = dynamisation
		}
		m[in.Profile] = p
	}
	rows, err := readCSV("data/selp_series.csv")
	if err != nil {
		return nil, err
	}
	old, err := parse1999("selp_series.csv", rows)
	if err != nil {
		return nil, err
	}
	for name, p := range old {
		m[name] = p
	}
	for _, in := range infos {
		if m[in.Profile] == nil {
			return nil, fmt.Errorf("data: no table for %s", in.Profile)
		}
	}
	m["H0"].factor = dynamisation4
	return m, nil
}

func readCSV(name string) ([][]string, error) {
	f, err := files.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return rows, nil
}

var months = map[string]time.Month{
	"Januar": 1, "Februar": 2, "März": 3, "April": 4, "Mai": 5, "Juni": 6,
	"Juli": 7, "August": 8, "September": 9, "Oktober": 10, "November": 11, "Dezember": 12,
}

var dayTypes = map[string]int{"WT": wt, "SA": sa, "FT": ft}

// quarter returns the row of a clock time "hh:mm" (the first five bytes of s).
func quarter(s string) (int, bool) {
	if len(s) < 5 || s[2] != ':' {
		return 0, false
	}
	h, err1 := strconv.Atoi(s[:2])
	mi, err2 := strconv.Atoi(s[3:5])
	if err1 != nil || err2 != nil || h > 23 || mi%15 != 0 || mi > 45 {
		return 0, false
	}
	return h*4 + mi/15, true
}

// load2025 reads a table of 96 quarter-hour rows under two header rows,
// month and day type.
func load2025(name string) (*profile, error) {
	rows, err := readCSV(name)
	if err != nil {
		return nil, err
	}
	if len(rows) != 2+96 {
		return nil, fmt.Errorf("%s: %d rows, want 98", name, len(rows))
	}
	p := &profile{days: make([][96]float64, 12*3)}
	p.day = func(m time.Month, _, dt int) *[96]float64 { return &p.days[(int(m)-1)*3+dt] }
	col := make([]int, len(rows[0])) // column → index into days
	seen := make([]bool, len(p.days))
	for c := 1; c < len(rows[0]); c++ {
		m, okM := months[rows[0][c]]
		dt, okD := dayTypes[rows[1][c]]
		if !okM || !okD {
			return nil, fmt.Errorf("%s: column %d: month %q, day type %q", name, c+1, rows[0][c], rows[1][c])
		}
		col[c] = (int(m)-1)*3 + dt
		if seen[col[c]] {
			return nil, fmt.Errorf("%s: column %d repeats %s %s", name, c+1, rows[0][c], rows[1][c])
		}
		seen[col[c]] = true
	}
	if len(rows[0]) != 1+len(p.days) {
		return nil, fmt.Errorf("%s: %d columns, want %d", name, len(rows[0])-1, len(p.days))
	}
	for r, row := range rows[2:] {
		q, ok := quarter(row[0])
		if !ok || q != r {
			return nil, fmt.Errorf("%s: row %d is %q, want quarter hour %d", name, r+3, row[0], r)
		}
		for c := 1; c < len(row); c++ {
			v, err := strconv.ParseFloat(row[c], 64)
			if err != nil || v < 0 {
				return nil, fmt.Errorf("%s: row %d, column %d: %q", name, r+3, c+1, row[c])
			}
			p.days[col[c]][q] = v
		}
	}
	return p, nil
}

// per1999 converts the 1999 file's kW for 1,000 kWh a year into kWh per
// quarter hour for 1,000,000 kWh a year.
const per1999 = 1000.0 / 4

// parse1999 extracts the typical days (season × day type) of the 1999
// profiles from demandlib's series, which lists a week per season (Monday
// to Sunday, under placeholder dates in January 2007). Its five working
// days of a season must agree: a difference would mean the file is not the
// typical-day table this package assumes.
func parse1999(name string, rows [][]string) (map[Profile]*profile, error) {
	head := rows[0]
	if len(head) < 4 || head[1] != "period" || head[2] != "weekday" {
		return nil, fmt.Errorf("%s: header %q", name, head)
	}
	ps := make([]*profile, len(head)-3)
	seen := make([][3 * 3 * 96]bool, len(ps))
	out := make(map[Profile]*profile)
	for i := range ps {
		p := &profile{days: make([][96]float64, 3*3)}
		p.day = func(m time.Month, d, dt int) *[96]float64 { return &p.days[season(m, d)*3+dt] }
		ps[i] = p
		out[Profile(strings.ToUpper(head[3+i]))] = p
	}
	for r, row := range rows[1:] {
		s := slices.Index(seasonNames[:], row[1])
		wd, err := strconv.Atoi(row[2])
		clock := row[0][min(len(row[0]), len("2007-01-01 ")):]
		q, ok := quarter(clock)
		if s < 0 || err != nil || wd < 1 || wd > 7 || !ok {
			return nil, fmt.Errorf("%s: row %d: %q %q %q", name, r+2, row[0], row[1], row[2])
		}
		dt := wt
		switch wd {
		case 6:
			dt = sa
		case 7:
			dt = ft
		}
		k := s*3 + dt
		for i, p := range ps {
			v, err := strconv.ParseFloat(row[3+i], 64)
			if err != nil || v < 0 {
				return nil, fmt.Errorf("%s: row %d, %s: %q", name, r+2, head[3+i], row[3+i])
			}
			v *= per1999
			if seen[i][k*96+q] && p.days[k][q] != v {
				return nil, fmt.Errorf("%s: row %d: %s differs from an earlier %s %s day at %s",
					name, r+2, head[3+i], row[1], dayTypeNames[dt], clock)
			}
			p.days[k][q] = v
			seen[i][k*96+q] = true
		}
	}
	for i := range ps {
		for k, ok := range seen[i] {
			if !ok {
				return nil, fmt.Errorf("%s: %s has no %s %s day at quarter hour %d",
					name, head[3+i], seasonNames[k/96/3], dayTypeNames[k/96%3], k%96)
			}
		}
	}
	return out, nil
}

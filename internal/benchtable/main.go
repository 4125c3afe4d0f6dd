// Command benchtable reads `go test -bench` output on stdin and prints one
// Markdown table of every figure the benchmarks report (their custom
// metrics, b.ReportMetric, and the time per op), with the target
// beside the figures that have one. A benchmark run several times (-count)
// shows every run's figure, so a noisy machine shows as a spread. `make
// bench` pipes its output here.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// targets are the goals, by metric, or by benchmark name (without
// its -N suffix) and metric.
var targets = map[string]string{
	"sync/shell-import":                                      "< 1 (at 500 meters)",
	"sync-cpu/shell-import-cpu":                              "< 1 (at 500 meters)",
	"sync-peak-RSS-MB":                                       "<= 200",
	"resync-s":                                               "<= 1 (at 500 meters)",
	"B/reading":                                              "<= 4",
	"meter-year-curve-ms":                                    "<= 2",
	"year-monthly-aggregate-ms":                              "< 20",
	"export/shell-export":                                    "<= 1",
	"BenchmarkMeterPage/hour-93-days p95-ms":                 "<= 10",
	"BenchmarkPortfolioScale/n=50000/default p95-ms":         "<= 30",
	"BenchmarkPortfolioScale/n=50000/status p95-ms":          "<= 30",
	"BenchmarkPortfolioScale/n=50000/valid_from_desc p95-ms": "<= 30",
	"BenchmarkPortfolioScale/n=50000/search p95-ms":          "<= 30",
	"BenchmarkPortfolioScale/n=50000/search_new p95-ms":      "<= 30",
	"BenchmarkPortfolioScale/n=50000/customer p95-ms":        "<= 30",
	"BenchmarkPortfolioScale/n=50000/search_short p95-ms":    "<= 30",
	"BenchmarkExportScale/n=50000 ratio":                     "<= 1.5",
	"BenchmarkExportScale/n=50000 cpu-ratio":                 "<= 1.5",
	"BenchmarkExportScale/n=50000 cpu-ratio-mmap":            "<= 1.5",
}

// skipped are the standard figures that are not what any benchmark is for.
var skipped = map[string]bool{"B/op": true, "allocs/op": true}

type row struct {
	bench, metric string
	values        []string
}

func main() {
	if err := write(os.Stdout, os.Stdin); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
}

// write reads benchmark lines from in and writes the table to out, rows in
// the order the figures first came.
func write(out io.Writer, in io.Reader) error {
	var rows []*row
	byKey := map[string]*row{}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		// BenchmarkName-2  <N>  <value> <unit>  <value> <unit> ...
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || len(f)%2 != 0 {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue
		}
		name := f[0]
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			if _, err := strconv.Atoi(name[i+1:]); err == nil {
				name = name[:i]
			}
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			unit := f[i+1]
			if err != nil || skipped[unit] || (unit == "ns/op" && v == 0) {
				continue
			}
			text := f[i]
			if unit == "ns/op" {
				unit, text = "time/op", time.Duration(v).Round(roundTo(time.Duration(v))).String()
			}
			k := name + " " + unit
			r := byKey[k]
			if r == nil {
				r = &row{bench: name, metric: unit}
				byKey[k] = r
				rows = append(rows, r)
			}
			r.values = append(r.values, text)
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if len(rows) == 0 {
		return fmt.Errorf("no benchmark figures in the input")
	}
	fmt.Fprintln(out, "| benchmark | figure | measured | target |")
	fmt.Fprintln(out, "|---|---|---|---|")
	for _, r := range rows {
		t := targets[r.bench+" "+r.metric]
		if t == "" {
			t = targets[r.metric]
		}
		fmt.Fprintf(out, "| %s | %s | %s | %s |\n", strings.TrimPrefix(r.bench, "Benchmark"), r.metric, strings.Join(r.values, ", "), t)
	}
	return nil
}

// roundTo keeps three or four significant digits of a time per op.
func roundTo(d time.Duration) time.Duration {
	r := time.Duration(1)
	for d >= 10000*r {
		r *= 10
	}
	return r
}

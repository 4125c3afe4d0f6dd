package main

import (
	"strings"
	"testing"
)

// TestWrite reads go test output as `make bench` pipes it and checks the
// table a person reads: one row per benchmark and figure, a -count run's
// figures side by side, the CPU suffix gone, targets beside their figures,
// B/op and allocs/op and the zeroed time of a report-only benchmark left
// out, lines that are not figures ignored.
func TestWrite(t *testing.T) {
	in := `goos: linux
BenchmarkSeries-2   	       1	         0 ns/op	         3.9 B/reading	  0.8 sync/shell-import	  1.2 resync-s
BenchmarkPriceYear/fixed-2   	     100	   1234567 ns/op	  5000 B/op	  12 allocs/op
BenchmarkPriceYear/fixed-2   	     100	   1300000 ns/op	  5000 B/op	  12 allocs/op
BenchmarkMeterPage/hour-93-days-2   	200	   7000000 ns/op	  6.5 p50-ms	  9.1 p95-ms
PASS
ok  	wattfolio/sync/vendors/epilot	4.596s
`
	var out strings.Builder
	if err := write(&out, strings.NewReader(in)); err != nil {
		t.Fatal(err)
	}
	want := `| benchmark | figure | measured | target |
|---|---|---|---|
| Series | B/reading | 3.9 | <= 4 |
| Series | sync/shell-import | 0.8 | < 1 (at 500 meters) |
| Series | resync-s | 1.2 | <= 1 (at 500 meters) |
| PriceYear/fixed | time/op | 1.235ms, 1.3ms |  |
| MeterPage/hour-93-days | time/op | 7ms |  |
| MeterPage/hour-93-days | p50-ms | 6.5 |  |
| MeterPage/hour-93-days | p95-ms | 9.1 | <= 10 |
`
	if out.String() != want {
		t.Errorf("table:\n%s\nwant:\n%s", out.String(), want)
	}
	if err := write(&out, strings.NewReader("PASS\n")); err == nil {
		t.Error("no figures: want an error")
	}
}

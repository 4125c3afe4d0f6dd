package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"wattfolio/app"
	"wattfolio/db"
	"wattfolio/internal/cputime"
)

// scaleContracts are n generated contracts shaped like the portfolio
// benchmark's: three statuses, every kind and commodity, 24 products and a
// customer per 24 contracts.
func scaleContracts(n int) []app.Contract {
	cs := make([]app.Contract, n)
	kinds := app.Kinds
	for i := range cs {
		cust := i / 24
		cs[i] = app.Contract{
			ExternalID: fmt.Sprintf("B%06d", i),
			Kind:       kinds[i%len(kinds)],
			Commodity:  app.Commodities[i%len(app.Commodities)],
			Status:     []string{"active", "ended", "pending"}[i%3],
			Customer:   app.Customer{ExternalID: fmt.Sprintf("K%05d", cust), Name: fmt.Sprintf("Kunde %05d GmbH", cust)},
			Name:       fmt.Sprintf("Strom Business %d – Kunde %05d", i%24, cust),
			Product:    app.Product{Name: fmt.Sprintf("Strom Business %d", i%24), Code: "SB"},
			ValidFrom:  utcDay(2024, time.Month(1+i%12), 1),
			ValidTo:    utcDay(2027, time.Month(1+i%12), 1),
			Prices: app.Prices{Currency: "EUR", BasePerYear: app.Ptr(app.DecimalFromInt(int64(60 + i%200))),
				WorkingPerKWh: app.Ptr(app.Decimal(200_000 + int64(i%150)*1000))},
			AnnualConsumptionKWh: app.Ptr(app.DecimalFromInt(int64(1500 + i*7%90000))),
			MeterID:              fmt.Sprintf("DE00012345678900000000000%08d", i),
			Raw:                  []byte(fmt.Sprintf(`{"id":"B%06d","tariff":"SB","price":"0.2%03d"}`, i, i%1000)),
		}
	}
	return cs
}

// scaleStore is a store at a known path seeded through SavePage with n
// generated contracts, and that path.
func scaleStore(b *testing.B, n int) (*db.Store, string) {
	b.Helper()
	path := filepath.Join(b.TempDir(), "cache.db")
	s, err := db.Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	syncSource(b, s, srcEnneo, scaleContracts(n), nil, app.RunOK, "")
	return s, path
}

var scaleSizes = []int{5_000, 50_000}

// BenchmarkPortfolioScale times portfolio pages through the whole handler
// at 5,000 and 50,000 contracts: the default first page, a status-filtered
// page and a page sorted by start date, descending, a search (the same one
// and a new one each time, and one of two characters), sorts by customer,
// price and id, and a customer's contracts; and the facet counts each page
// includes, alone.
// p50 and p95 come from at least 200 requests whatever -benchtime.
func BenchmarkPortfolioScale(b *testing.B) {
	targets := []struct{ name, url string }{
		{"default", "/contracts"},
		{"status", "/contracts?status=pending&page=3"},
		{"valid_from_desc", "/contracts?sort=valid_from&desc=1"},
		{"search", "/contracts?q=kunde+00042"},
		// A new search each time (%d: the sample's number), whose facets
		// no earlier page has counted.
		{"search_new", "/contracts?q=kunde+%05d"},
		// Two characters, too short for the trigram index: the search
		// scans the narrow search table (a few thousand matches).
		{"search_short", "/contracts?q=42"},
		{"customer", "/contracts?sort=customer"},
		{"working_price_desc", "/contracts?sort=working_price&desc=1"},
		{"external_id", "/contracts?sort=external_id"},
		{"account", "/contracts?account=7"},
	}
	for _, n := range scaleSizes {
		s, _ := scaleStore(b, n)
		// One account of the user's per 10 vendor customers, each linked
		// to them, as the customer pages and the account filter see them.
		var accts []app.Account
		for k := 0; k*24 < n; k += 10 {
			a := app.Account{Name: fmt.Sprintf("Konto %05d", k)}
			for j := k; j < k+10 && j*24 < n; j++ {
				a.Links = append(a.Links, app.AccountLink{Source: srcEnneo, ExternalID: fmt.Sprintf("K%05d", j)})
			}
			accts = append(accts, a)
		}
		if err := s.ReplaceAccounts(context.Background(), accts); err != nil {
			b.Fatal(err)
		}
		o := testOptions(s)
		o.Accounts = s
		h := New(o)
		// The facet counts alone, as the default page and a filtered one
		// ask for them: the part of each page they cost.
		for _, f := range []struct {
			name string
			f    app.ContractFilter
		}{{"default", app.ContractFilter{}}, {"status", app.ContractFilter{Status: "pending"}}, {"search", app.ContractFilter{Query: "kunde 00042"}}} {
			b.Run(fmt.Sprintf("n=%d/facets_%s", n, f.name), func(b *testing.B) {
				for range b.N {
					if _, err := s.ContractFacets(context.Background(), f.f); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
		for _, t := range targets {
			b.Run(fmt.Sprintf("n=%d/%s", n, t.name), func(b *testing.B) {
				url := t.url
				if strings.Contains(url, "%") {
					// A new search each time: nothing cached from the last.
					pageLatenciesOf(b, h, func(i int) string { return fmt.Sprintf(url, (i*7919)%(n/24)) }, nil)
					return
				}
				pageLatencies(b, h, url, nil)
			})
		}
	}
}

// shellExport is the sqlite3 shell's SELECT of the export's columns from the
// same tables (the contract, its source, customer and account, and the
// kind-specific terms), of the same contracts (those the vendor still has)
// in the portfolio's default order, written as CSV. Both walk the name
// index (contracts_by_name) for that order: neither sorts. The shell writes
// the integers as stored, sparing it the dates and decimals the export
// spells out; sameRows holds it to the export's rows and columns.
const shellExport = `SELECT s.name, s.vendor, c.kind, c.external_id, COALESCE(cu.external_id, ''), COALESCE(cu.name, ''),
 c.name, c.status, c.commodity, c.product_name, c.product_code, c.valid_from, c.valid_to, c.signed_at,
 c.base_per_year_e6, c.working_per_kwh_e6, c.vat_rate_e6, c.annual_kwh_e6, c.meter_id, c.grid_operator, c.fetched_at,
 COALESCE(a.name, ''), c.currency, c.supplier, c.supplier_code, c.buyer, c.buyer_code,
 f.reservation_fee_e6, f.activation_fee_workdays_e6, f.activation_fee_non_workdays_e6, f.max_power_kw_e6,
 p.ppa_type, p.period, p.delivery_profile, COALESCE(NULLIF(p.asset_name, ''), f.asset_name), p.technology, p.nominal_power_mw_e6,
 pa.contract_type, pa.includes_external_components,
 CASE WHEN pa.contract_id IS NULL THEN NULL ELSE (SELECT COUNT(*) FROM contract_price_points pp WHERE pp.contract_id = c.id) END,
 c.removed_at
FROM contracts c
JOIN sources s ON s.id = c.source_id
LEFT JOIN customers cu ON cu.id = c.customer_id
LEFT JOIN account_links al ON al.source_name = s.name AND al.external_id = cu.external_id
LEFT JOIN accounts a ON a.id = al.account_id
LEFT JOIN contract_flexibility f ON f.contract_id = c.id
LEFT JOIN contract_ppa p ON p.contract_id = c.id
LEFT JOIN contract_partner pa ON pa.contract_id = c.id
WHERE c.removed_at IS NULL
ORDER BY lower(c.name), c.id;`

// BenchmarkExportScale times GET /contracts.csv at 5,000 and 50,000
// contracts and, in the same run, the sqlite3 shell writing the same
// columns to CSV, as it comes and with the cache file mapped as the
// store's readers map it; it reports the ratios of the wall times and,
// steadier on a shared machine, of the CPU times (this process's during
// the export, the shell's own), and each CPU time per export. Skipped
// without sqlite3.
func BenchmarkExportScale(b *testing.B) {
	shell, err := exec.LookPath("sqlite3")
	if err != nil {
		b.Skip("no sqlite3 shell")
	}
	for _, n := range scaleSizes {
		s, path := scaleStore(b, n)
		h := New(testOptions(s))
		sameRows(b, h, shell, path, n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			var ours, theirs, mapped, oursCPU, theirsCPU, mappedCPU time.Duration
			for range b.N {
				r := httptest.NewRequest(http.MethodGet, "/contracts.csv", nil)
				r.Host = "127.0.0.1:34115"
				withToken(r)
				w := &countingWriter{header: http.Header{}}
				start, cpu := time.Now(), cputime.Process()
				h.ServeHTTP(w, r)
				ours += time.Since(start)
				oursCPU += cputime.Process() - cpu
				if w.code != 0 && w.code != http.StatusOK {
					b.Fatalf("status %d", w.code)
				}
				if w.lines != n+1 {
					b.Fatalf("%d lines, want %d", w.lines, n+1)
				}
				wall, cpu := runShell(b, shell, path)
				theirs += wall
				theirsCPU += cpu
				wall, cpu = runShell(b, shell, path, "-cmd", fmt.Sprintf("PRAGMA mmap_size=%d", db.ReaderMmap))
				mapped += wall
				mappedCPU += cpu
			}
			per := func(d time.Duration) float64 { return float64(d) / float64(b.N) / float64(time.Millisecond) }
			b.ReportMetric(per(ours), "export-ms")
			b.ReportMetric(per(theirs), "shell-ms")
			b.ReportMetric(per(oursCPU), "export-cpu-ms")
			b.ReportMetric(per(theirsCPU), "shell-cpu-ms")
			b.ReportMetric(per(mappedCPU), "shell-mmap-cpu-ms")
			b.ReportMetric(float64(ours)/float64(theirs), "ratio")
			b.ReportMetric(float64(oursCPU)/float64(theirsCPU), "cpu-ratio")
			// The readers map the cache file (db.ReaderMmap); the shell
			// doing the same is the baseline that spares it nothing.
			b.ReportMetric(float64(ours)/float64(mapped), "ratio-mmap")
			b.ReportMetric(float64(oursCPU)/float64(mappedCPU), "cpu-ratio-mmap")
		})
	}
}

// runShell runs the shell's export (shellExport) of the cache at path,
// with args before the file, and returns its wall and CPU time.
func runShell(b *testing.B, shell, path string, args ...string) (wall, cpu time.Duration) {
	b.Helper()
	cmd := exec.Command(shell, append(append([]string{"-readonly", "-csv"}, args...), path, shellExport)...)
	cmd.Stdout = io.Discard
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		b.Fatalf("sqlite3: %v: %s", err, stderr.String())
	}
	return time.Since(start), cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
}

// sameRows fails b unless the shell's SELECT writes the export's rows: as
// many records, each with as many columns, the same contracts in the same
// order (by external id), so that the baseline does neither less nor more.
func sameRows(b *testing.B, h http.Handler, shell, path string, n int) {
	b.Helper()
	ours, err := csv.NewReader(strings.NewReader(mustGet(b, h, "/contracts.csv"))).ReadAll()
	if err != nil {
		b.Fatal(err)
	}
	out, err := exec.Command(shell, "-readonly", "-csv", path, shellExport).Output()
	if err != nil {
		b.Fatalf("sqlite3: %v", err)
	}
	theirs, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		b.Fatal(err)
	}
	ext := slices.Index(ours[0], "external_id")
	if len(ours) != n+1 || len(theirs) != n {
		b.Fatalf("export %d records (with the header), shell %d, want %d contracts", len(ours), len(theirs), n)
	}
	for i, r := range theirs {
		if len(r) != len(ours[0]) || r[3] != ours[i+1][ext] {
			b.Fatalf("record %d: the shell wrote %d columns, contract %s; the export %d, %s", i, len(r), r[3], len(ours[0]), ours[i+1][ext])
		}
	}
}

// countingWriter is a ResponseWriter that counts lines and keeps nothing.
type countingWriter struct {
	header http.Header
	code   int
	lines  int
}

func (w *countingWriter) Header() http.Header { return w.header }
func (w *countingWriter) WriteHeader(c int)   { w.code = c }
func (w *countingWriter) Write(p []byte) (int, error) {
	w.lines += bytes.Count(p, []byte("\n"))
	return len(p), nil
}

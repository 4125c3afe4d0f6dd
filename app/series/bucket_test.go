package series

import (
	"math"
	"math/big"
	"testing"
	"time"
)

// The DST days are where local-time bucketing goes wrong if it assumes
// 24-hour days: Berlin's 2026-03-29 has 23 hours (92 quarter hours) and
// 2026-10-25 has 25 (100).
func TestDayBucketsAcrossDST(t *testing.T) {
	loc, err := LoadZone("Europe/Berlin")
	if err != nil {
		t.Fatal("no tz database:", err)
	}
	for _, tc := range []struct {
		day      string
		quarters int
	}{
		{"2026-03-28", 96}, {"2026-03-29", 92}, {"2026-03-30", 96},
		{"2026-10-25", 100}, {"2026-10-26", 96},
	} {
		d, _ := time.ParseInLocation("2006-01-02", tc.day, loc)
		start := d.Unix()
		end := NextBucket(start, Day, loc, 0)
		if got := int((end - start) / 900); got != tc.quarters {
			t.Errorf("%s: %d quarter hours, want %d", tc.day, got, tc.quarters)
		}
		// Every quarter hour of the day falls in the day's bucket, and the
		// next instant does not.
		for ts := start; ts < end; ts += 900 {
			if b := BucketStart(ts, Day, loc); b != start {
				t.Fatalf("%s: %s in bucket %s", tc.day, time.Unix(ts, 0).UTC(), time.Unix(b, 0).In(loc))
			}
		}
		if BucketStart(end, Day, loc) == start {
			t.Errorf("%s: next midnight still in the day", tc.day)
		}
	}
}

func TestMonthAndHourBuckets(t *testing.T) {
	loc, err := LoadZone("Europe/Berlin")
	if err != nil {
		t.Fatal("no tz database:", err)
	}
	march, _ := time.ParseInLocation("2006-01-02", "2026-03-01", loc)
	end := NextBucket(march.Unix(), Month, loc, 0)
	// 31 days less the lost hour.
	if got := (end - march.Unix()) / 900; got != 31*96-4 {
		t.Errorf("March 2026: %d quarter hours, want %d", got, 31*96-4)
	}
	// 02:30 does not exist on 2026-03-29; 01:45 UTC+1 is followed by 03:00 UTC+2.
	ts := time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC).Unix() // 03:00 CEST
	if h := time.Unix(BucketStart(ts+1800, Hour, loc), 0).In(loc); h.Hour() != 3 || h.Minute() != 0 {
		t.Errorf("hour bucket of 03:30 CEST starts %s", h)
	}
}

func TestTaxCodeRoundTrip(t *testing.T) {
	for _, tx := range []Tax{{}, {Set: true, Rate: 19}, {Set: true, Inclusive: true, Rate: 7}, {Set: true, Rate: 0}} {
		if got := TaxOfCode(tx.Code()); got != tx {
			t.Errorf("%+v -> %d -> %+v", tx, tx.Code(), got)
		}
	}
}

func TestBucketMeansAreExact(t *testing.T) {
	var b Bucket
	b.Add(Price, "", 3, 1_000_001, 100, 900_000) // mean 0.333333(67)
	b.Add(Consumption, "nt", 4, 2_000_000, 0, 0)
	b.Add(Consumption, FeedIn, 4, 5_000_000, 0, 0)
	b.Add(Cost, "", 4, 700_000, 0, 0)
	if m, _ := b.PriceMean(); m != 333_334 {
		t.Errorf("mean %d", m)
	}
	if b.Consumption != 2_000_000 || b.FeedIn != 5_000_000 || b.Readings != 4 {
		t.Errorf("feed-in must not count as consumption: %+v", b)
	}
	if e, _ := b.EffectivePrice(); e != 350_000 {
		t.Errorf("effective price %d", e)
	}
}

// The mean price divides in int64; it must round half away from zero
// exactly as the math/big division it replaced (prices can be negative).
func TestDivRound64MatchesBig(t *testing.T) {
	for _, c := range []struct{ a, n int64 }{
		{1, 3}, {2, 3}, {-2, 3}, {5, 2}, {-5, 2}, {7, 2}, {-7, 2}, {0, 5}, {-1, 2}, {1, 2},
		{1_000_000, 3}, {-1_000_001, 4}, {math.MaxInt64, 2}, {math.MinInt64, 3}, {math.MaxInt64, math.MaxInt64 - 1},
	} {
		if got, want := divRound64(c.a, c.n), divRound(big.NewInt(c.a), big.NewInt(c.n)); got != want {
			t.Errorf("%d/%d: %d, want %d", c.a, c.n, got, want)
		}
	}
}

package block

import (
	"encoding/binary"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

var berlin = func() *time.Location {
	l, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		panic(err)
	}
	return l
}()

// day returns the readings of one local day at step seconds, with values
// from val.
func day(y int, m time.Month, d int, step int64, val func(i int) Reading) []Reading {
	from := time.Date(y, m, d, 0, 0, 0, 0, berlin).Unix()
	to := time.Date(y, m, d+1, 0, 0, 0, 0, berlin).Unix()
	var rs []Reading
	for ts := from; ts < to; ts += step {
		r := val(len(rs))
		r.TS = ts
		rs = append(rs, r)
	}
	return rs
}

func roundTrip(t *testing.T, rs []Reading) {
	t.Helper()
	for _, compress := range []bool{false, true} {
		e := Encoder{Compress: compress}
		var d Decoder
		b := e.Append(nil, rs)
		got, err := d.Decode(nil, b)
		if err != nil {
			t.Fatalf("compress %v: %v", compress, err)
		}
		if !slices.Equal(got, rs) && !(len(got) == 0 && len(rs) == 0) {
			t.Fatalf("compress %v: %d readings back, want %d\n got %v\nwant %v", compress, len(got), len(rs), got, rs)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	quarter := func(i int) Reading { return Reading{Value: int64(250_000 + 1_000*(i%7) - 3_000*(i%3))} }
	cases := map[string][]Reading{
		"empty":               nil,
		"one":                 {{TS: 1774738800, Value: -1}},
		"spring DST, 92 q-h":  day(2026, 3, 29, 900, quarter),
		"autumn DST, 100 q-h": day(2026, 10, 25, 900, quarter),
		"hours":               day(2026, 6, 1, 3600, quarter),
		"daily":               day(2026, 6, 1, 86400, quarter),
		"negative (feed-in)":  day(2026, 6, 1, 900, func(i int) Reading { return Reading{Value: -int64(i) * 12_345} }),
		"extremes":            {{TS: math.MinInt64 / 4, Value: math.MinInt64}, {TS: 0, Value: math.MaxInt64, Tax: -3}, {TS: math.MaxInt64 / 4, Value: 0, Tax: math.MaxInt64}},
		"Wh and round prices": day(2026, 6, 1, 900, func(i int) Reading {
			return Reading{Value: int64(i%9) * 1_000, Mask: 3, Parts: [Parts]int64{int64(i) * 10, 20_500_000_000}}
		}),
		"round extremes":       {{TS: 1, Value: 9_000_000_000_000_000_000}, {TS: 2, Value: -9_000_000_000_000_000_000}},
		"irregular gaps":       {{TS: 100}, {TS: 1000}, {TS: 1001}, {TS: 50_000}, {TS: 50_900}},
		"taxes change mid-day": day(2026, 6, 1, 900, func(i int) Reading { return Reading{Value: 1, Tax: int64(1 + 2*19 + i/50)} }),
		"every parts combination": day(2026, 10, 25, 900, func(i int) Reading {
			r := Reading{Value: int64(300_000 - i*1_000), Tax: 39, Mask: uint8(i % 32)}
			for k := range Parts {
				if r.Mask&(1<<k) != 0 {
					r.Parts[k] = int64(i*10+k) - 300
				}
			}
			return r
		}),
	}
	if n := len(cases["spring DST, 92 q-h"]); n != 92 {
		t.Fatalf("spring DST day has %d quarter hours", n)
	}
	if n := len(cases["autumn DST, 100 q-h"]); n != 100 {
		t.Fatalf("autumn DST day has %d quarter hours", n)
	}
	for name, rs := range cases {
		t.Run(name, func(t *testing.T) { roundTrip(t, rs) })
	}
}

// A block a newer build wrote, an unknown codec, trailing bytes and
// instants out of order are errors.
func TestDecodeRejects(t *testing.T) {
	var e Encoder
	good := e.Append(nil, []Reading{{TS: 10, Value: 1}, {TS: 20, Value: 2}})
	bad := map[string][]byte{
		"empty":      nil,
		"version 2":  append([]byte{2}, good[1:]...),
		"codec 9":    append([]byte{Version, 9}, good[2:]...),
		"left over":  append(slices.Clone(good), 0),
		"truncated":  good[:len(good)-1],
		"bad zstd":   {Version, codecZstd, 1, 2, 3},
		"huge count": binary.AppendUvarint([]byte{Version, codecRaw}, MaxReadings+1),
		"backwards":  (&Encoder{}).Append(nil, []Reading{{TS: 20}, {TS: 10}}),
	}
	var d Decoder
	for name, b := range bad {
		if _, err := d.Decode(nil, b); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: %v, want ErrCorrupt", name, err)
		}
	}
}

// The decoder reuses what it is given: decoding a day into the same slice
// allocates nothing, compressed or not.
func TestDecodeReusesMemory(t *testing.T) {
	rs := day(2026, 6, 1, 900, func(i int) Reading { return Reading{Value: int64(i * 1_000), Mask: 1, Parts: [Parts]int64{5}} })
	for _, compress := range []bool{false, true} {
		e := Encoder{Compress: compress}
		b := e.Append(nil, rs)
		var d Decoder
		buf, _ := d.Decode(nil, b)
		if allocs := testing.AllocsPerRun(100, func() { buf, _ = d.Decode(buf, b) }); allocs != 0 {
			t.Errorf("compress %v: %.0f allocations per decode", compress, allocs)
		}
	}
}

// readingsOf makes a valid block input from arbitrary bytes: strictly
// increasing instants, parts only where the mask says.
func readingsOf(seed []byte) []Reading {
	var rs []Reading
	var ts int64
	for len(seed) >= 4 {
		step, v, tax, mask := seed[0], seed[1], seed[2], seed[3]
		seed = seed[4:]
		ts += 1 + int64(step)*300
		// The low bits of step pick a decimal scale, so columns of round
		// numbers (Wh, cents) and of odd ones both occur.
		scale := pow10[int(step)%(maxExp+1)]
		r := Reading{TS: ts, Value: (int64(v) - 128) * 7919 * scale, Tax: int64(tax % 4), Mask: mask % 32}
		for k := range Parts {
			if r.Mask&(1<<k) != 0 {
				r.Parts[k] = (int64(v)*int64(k+1) - 200) * pow10[(int(step)+k)%(maxExp+1)]
			}
		}
		rs = append(rs, r)
	}
	return rs
}

func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{3, 200, 1, 31, 3, 10, 1, 0, 3, 250, 2, 5})
	f.Fuzz(func(t *testing.T, seed []byte) { roundTrip(t, readingsOf(seed)) })
}

func FuzzDecode(f *testing.F) {
	var e Encoder
	f.Add(e.Append(nil, readingsOf([]byte{3, 200, 1, 31, 3, 10, 1, 0})))
	e.Compress = true
	f.Add(e.Append(nil, day(2026, 6, 1, 900, func(i int) Reading { return Reading{Value: 7, Mask: 3, Parts: [Parts]int64{1, 2}} })))
	f.Add([]byte{Version, codecZstd})
	f.Fuzz(func(t *testing.T, b []byte) {
		var d Decoder
		rs, err := d.Decode(nil, b)
		if err != nil {
			return
		}
		// What decodes encodes again to the same readings.
		var e Encoder
		back, err := d.Decode(nil, e.Append(nil, rs))
		if err != nil || !slices.Equal(back, rs) {
			t.Fatalf("re-encoded block: %v, %d readings, want %d", err, len(back), len(rs))
		}
	})
}

// BenchmarkDecodeDay is one quarter-hour day of a price with all parts,
// the widest block the cache holds, and one of a household's consumption in
// Wh, the block a meter-year is read from 365 times.
func BenchmarkDecodeDay(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	price := day(2026, 6, 1, 900, func(i int) Reading {
		return Reading{Value: int64(250_000 + rng.IntN(50_000)), Tax: 39, Mask: 31, Parts: [Parts]int64{int64(80_000 + rng.IntN(40_000)), 20_500, 5_000, 90_000, 18_000}}
	})
	use := day(2026, 6, 1, 900, func(i int) Reading { return Reading{Value: int64(60+rng.IntN(90)) * 1_000} })
	for _, c := range []struct {
		name     string
		rs       []Reading
		compress bool
	}{{"price/raw", price, false}, {"price/zstd", price, true}, {"consumption/raw", use, false}} {
		rs, compress := c.rs, c.compress
		b.Run(c.name, func(b *testing.B) {
			e := Encoder{Compress: compress}
			data := e.Append(nil, rs)
			var d Decoder
			buf := make([]Reading, 0, 100)
			b.ReportMetric(float64(len(data))/float64(len(rs)), "bytes/reading")
			for b.Loop() {
				buf, _ = d.Decode(buf, data)
			}
		})
	}
}

// zstd is kept where it at least halves a block: a flat day of prices with
// every component is, an irregular one is not; both decode.
func TestCompressOnlyWhereItHalves(t *testing.T) {
	flat := day(2026, 6, 1, 900, func(i int) Reading {
		return Reading{Value: 333_000, Tax: 39, Mask: 31, Parts: [Parts]int64{189_500, 20_500, 5_000, 100_000, 18_000}}
	})
	rng := rand.New(rand.NewPCG(3, 4))
	noisy := day(2026, 6, 1, 900, func(i int) Reading { return Reading{Value: int64(rng.IntN(1 << 40))} })
	e := Encoder{Compress: true}
	for name, c := range map[string]struct {
		rs    []Reading
		codec byte
	}{"flat": {flat, codecZstd}, "noisy": {noisy, codecRaw}} {
		b := e.Append(nil, c.rs)
		if b[1] != c.codec {
			t.Errorf("%s day: codec %d, want %d (%d bytes)", name, b[1], c.codec, len(b))
		}
		roundTrip(t, c.rs)
	}
}

// The entropy precheck skips the zstd trial only where the trial would
// not have kept zstd: for days shaped like the sync's (prices flat or
// changing hourly, household and solar consumption, their costs, noise),
// every block is byte for byte what trying zstd on each gives, and the
// precheck does skip some, and lets through some that halve.
func TestEntropyPrecheck(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	load := func(i int) int64 { // Wh of a household's quarter hour
		return int64(40+30*math.Sin(float64(i)/15)+float64(rng.IntN(40))) * 1_000
	}
	solar := func(i int) int64 { // zero at night
		if i < 28 || i > 80 {
			return 0
		}
		return int64(200*math.Sin(float64(i-28)/52*math.Pi)+float64(rng.IntN(20))) * 1_000
	}
	auction := func(i int) int64 { return int64(80_000+rng.IntN(400)*100) + int64(i/4) }
	shapes := map[string]func(i int) Reading{
		"flat price": func(int) Reading {
			return Reading{Value: 333_000, Tax: 39, Mask: 31, Parts: [Parts]int64{189_500, 20_500, 5_000, 100_000, 18_000}}
		},
		"hourly price": func(i int) Reading {
			a := int64(80_000 + (i/4)*1_210)
			return Reading{Value: a + 143_500, Tax: 39, Mask: 31, Parts: [Parts]int64{a, 20_500, 5_000, 100_000, 18_000}}
		},
		"quarter-hour price": func(i int) Reading {
			a := auction(i)
			return Reading{Value: a + 143_500, Tax: 39, Mask: 31, Parts: [Parts]int64{a, 20_500, 5_000, 100_000, 18_000}}
		},
		"household":      func(i int) Reading { return Reading{Value: load(i)} },
		"solar":          func(i int) Reading { return Reading{Value: solar(i)} },
		"household cost": func(i int) Reading { return Reading{Value: load(i) / 1_000 * (auction(i) + 143_500) / 1_000, Tax: 39} },
		"solar cost":     func(i int) Reading { return Reading{Value: solar(i) / 1_000 * (auction(i) + 143_500) / 1_000, Tax: 39} },
		"noise":          func(int) Reading { return Reading{Value: int64(rng.IntN(1 << 40))} },
	}
	e := Encoder{Compress: true}
	skipped, halved := 0, 0
	for name, shape := range shapes {
		for d := range 20 {
			rs := day(2026, 3, 20+d, 900, shape) // the spring DST day among them
			body := (&Encoder{}).appendBody(nil, rs)
			z := zenc().EncodeAll(body, nil)
			want := append([]byte{Version, codecRaw}, body...)
			if len(z) <= len(body)/2 {
				want = append([]byte{Version, codecZstd}, z...)
				halved++
			}
			if cannotHalve(body) {
				skipped++
			}
			if got := e.Append(nil, rs); !slices.Equal(got, want) {
				t.Errorf("%s, day %d: codec %d (%d bytes), trying zstd gives codec %d (%d bytes)", name, d, got[1], len(got), want[1], len(want))
			}
		}
	}
	if skipped == 0 || halved == 0 {
		t.Errorf("%d blocks skipped the trial, %d halved: the shapes test nothing", skipped, halved)
	}
	t.Logf("%d blocks skipped the trial, %d halved", skipped, halved)
}

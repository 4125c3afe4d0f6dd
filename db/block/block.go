// Package block encodes the readings of one series over one span (a local
// day in the cache) into one compact byte string, so that the cache stores
// and reads one row per day instead of one per reading: through
// database/sql each row costs microseconds, whatever its size.
//
// Format, version 1:
//
//	byte 0   version (1)
//	byte 1   codec: 0 the body follows as is, 1 the body is one zstd frame
//	         (written when it at least halves the block)
//	body     uvarint n, then column by column:
//	         instants: ts0, ts1-ts0, then each delta minus the one before
//	         tax codes: runs of (uvarint length, varint code)
//	         presence masks of the five price components: runs, likewise
//	         components 0..4 that any reading has: a byte e (0-9), then for
//	         each reading that has it, its value / 10^e minus the previous
//	         one (the first minus 0)
//	         values: likewise, of each value less its present components
//
// Every number after n except the exponents is a zig-zag varint
// (encoding/binary's Varint), so a quarter-hour grid is a byte per instant,
// a flat price a byte per reading and a quarter hour's Wh one or two. Columns rather than rows give zstd long runs of alike bytes.
// Decoding checks every count and that instants strictly increase, and
// rejects what is left over, so a damaged block is an error, never a panic
// or a wrong reading.
package block

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// Version is the format Encode writes.
const Version = 1

const (
	codecRaw  = 0
	codecZstd = 1
)

// Parts is the number of optional price components a reading can carry
// (auction, levies, source fee, grid fee, margin, in this order).
const Parts = 5

// MaxReadings bounds a block, so a damaged count cannot make the decoder
// allocate without end: a local day has at most 100 quarter hours, and even
// minute readings stay far below it.
const MaxReadings = 1 << 16

// maxBody bounds what a zstd frame may decompress to: n readings of at most
// 8 numbers of at most 10 bytes each.
const maxBody = 10 + MaxReadings*8*binary.MaxVarintLen64

// Reading is one reading as the cache keeps it: values in millionths, the
// tax code of series.Tax.Code, and the price components present by Mask
// (bit k: Parts[k]). Absent components are zero.
type Reading struct {
	TS    int64
	Value int64
	Tax   int64
	Mask  uint8
	Parts [Parts]int64
}

// ErrCorrupt is wrapped by every decoding error.
var ErrCorrupt = errors.New("corrupt reading block")

// The zstd coder keeps its tables per goroutine-sized pool internally;
// EncodeAll and DecodeAll are safe for concurrent use, so one of each
// serves every caller.
var (
	zenc = sync.OnceValue(func() *zstd.Encoder {
		e, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderCRC(false),
			zstd.WithSingleSegment(true), zstd.WithLowerEncoderMem(true))
		if err != nil {
			panic(err) // only for invalid options
		}
		return e
	})
	zdec = sync.OnceValue(func() *zstd.Decoder {
		d, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(maxBody),
			zstd.IgnoreChecksum(true))
		if err != nil {
			panic(err)
		}
		return d
	})
)

// Encoder turns readings into blocks; its scratch space is reused from
// block to block. The zero value is ready; it is not safe for concurrent use.
type Encoder struct {
	// Compress tries zstd on each block whose bytes' entropy leaves it a
	// chance (cannotHalve) and keeps it when it at least halves the block: decoding a frame costs about a microsecond more per
	// block whatever it saves, which a day of prices (a third of its raw
	// size) repays and a day of consumption (two thirds) does not, read
	// 365 times for a meter-year.
	Compress bool
	body     []byte
	col      []int64 // a column of runs
}

// Append appends the block of rs (in strictly increasing TS order; Parts
// not in Mask are ignored) to dst.
func (e *Encoder) Append(dst []byte, rs []Reading) []byte {
	b := e.appendBody(e.body[:0], rs)
	e.body = b
	if e.Compress && !cannotHalve(b) {
		start := len(dst)
		dst = append(dst, Version, codecZstd)
		dst = zenc().EncodeAll(b, dst)
		if len(dst)-start <= 2+len(b)/2 {
			return dst
		}
		dst = dst[:start]
	}
	dst = append(dst, Version, codecRaw)
	return append(dst, b...)
}

// cannotHalve reports whether b's order-0 entropy (what a coder of its
// bytes one by one, knowing their frequencies, needs at the least) is half
// its length or more. zstd could then halve it only through repeats of
// several bytes, which the columns' deltas hardly hold, and the trial costs
// more than laying the block out: the sync's blocks of costs never halve,
// nor most of consumption (BenchmarkSeries' codec table), and this skips
// the trial for nearly all cost blocks and a third of consumption ones,
// leaving every block the sync stores as it was (TestEntropyPrecheck).
func cannotHalve(b []byte) bool {
	var count [256]int32
	for _, c := range b {
		count[c]++
	}
	n := len(b)
	bits := nLog2n(n)
	for _, c := range count {
		if c > 1 {
			bits -= nLog2n(int(c))
		}
	}
	return bits >= 4*float64(n)
}

// nLog2n is n·log₂n, from a table for the counts of a day's block.
func nLog2n(n int) float64 {
	if n < len(nLog2nTable) {
		return nLog2nTable[n]
	}
	return float64(n) * math.Log2(float64(n))
}

var nLog2nTable = func() (t [2048]float64) {
	for n := 1; n < len(t); n++ {
		t[n] = float64(n) * math.Log2(float64(n))
	}
	return t
}()

func (e *Encoder) appendBody(b []byte, rs []Reading) []byte {
	b = binary.AppendUvarint(b, uint64(len(rs)))
	var prev, delta int64
	for i := range rs {
		r := &rs[i]
		switch i {
		case 0:
			b = binary.AppendVarint(b, r.TS)
		case 1:
			delta = r.TS - prev
			b = binary.AppendVarint(b, delta)
		default:
			d := r.TS - prev
			b = binary.AppendVarint(b, d-delta)
			delta = d
		}
		prev = r.TS
	}
	col := slices.Grow(e.col[:0], len(rs))
	for i := range rs {
		col = append(col, rs[i].Tax)
	}
	b = appendRuns(b, col)
	col = col[:0]
	var any uint8
	for i := range rs {
		any |= rs[i].Mask
		col = append(col, int64(rs[i].Mask&(1<<Parts-1)))
	}
	b = appendRuns(b, col)
	e.col = col
	for k := range Parts {
		if any&(1<<k) != 0 {
			b = e.appendColumn(b, rs, k)
		}
	}
	return e.appendColumn(b, rs, -1)
}

// residual is what a reading's value adds to its components: a price that
// is the sum of its parts stores a run of zeros instead of repeating the
// auction's changes (int64 wraps the same way both ways, so it is exact).
func residual(r *Reading) int64 {
	v := r.Value
	for k := range Parts {
		if r.Mask&(1<<k) != 0 {
			v -= r.Parts[k]
		}
	}
	return v
}

// appendColumn writes the values' residuals (k < 0) or component k (of the
// readings that have it) as a decimal exponent e and the deltas of the numbers
// divided by 10^e: meters count in Wh and auctions price in
// hundredths of a EUR/MWh, so millionths mostly end in zeros that would
// otherwise cost a varint byte per reading.
func (e *Encoder) appendColumn(b []byte, rs []Reading, k int) []byte {
	col := e.col[:0]
	if k < 0 {
		for i := range rs {
			col = append(col, residual(&rs[i]))
		}
	} else {
		for i := range rs {
			if rs[i].Mask&(1<<k) != 0 {
				col = append(col, rs[i].Parts[k])
			}
		}
	}
	e.col = col
	x := maxExp
	for _, v := range col {
		for x > 0 && div10(v, x)*pow10[x] != v {
			x--
		}
	}
	b = append(b, byte(x))
	var prev int64
	for _, v := range col {
		v = div10(v, x)
		b = binary.AppendVarint(b, v-prev)
		prev = v
	}
	return b
}

// div10 is v / 10^x: by constants, which the compiler turns into a
// multiplication, several times cheaper than dividing by a variable, and
// a column has a division or two per reading.
func div10(v int64, x int) int64 {
	switch x {
	case 0:
		return v
	case 1:
		return v / 10
	case 2:
		return v / 100
	case 3:
		return v / 1e3
	case 4:
		return v / 1e4
	case 5:
		return v / 1e5
	case 6:
		return v / 1e6
	case 7:
		return v / 1e7
	case 8:
		return v / 1e8
	default:
		return v / 1e9
	}
}

// maxExp is the largest decimal exponent a column is scaled by.
const maxExp = 9

var pow10 = [maxExp + 1]int64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9}

// appendRuns writes a column that rarely changes within a day as runs.
func appendRuns(b []byte, col []int64) []byte {
	runs := 0
	for i := range col {
		if i == 0 || col[i] != col[i-1] {
			runs++
		}
	}
	b = binary.AppendUvarint(b, uint64(runs))
	for i := 0; i < len(col); {
		j := i + 1
		for j < len(col) && col[j] == col[i] {
			j++
		}
		b = binary.AppendUvarint(b, uint64(j-i))
		b = binary.AppendVarint(b, col[i])
		i = j
	}
	return b
}

// Decoder reads blocks; its scratch space (the decompressed body) is
// reused from block to block. The zero value is ready; it is not safe for
// concurrent use.
type Decoder struct {
	body []byte
	col  []int64 // one column's numbers
}

// Decode appends the readings of block data to dst[:0] and returns it, or
// an error wrapping ErrCorrupt.
func (d *Decoder) Decode(dst []Reading, data []byte) ([]Reading, error) {
	dst = dst[:0]
	if len(data) < 2 {
		return dst, fmt.Errorf("%w: %d bytes", ErrCorrupt, len(data))
	}
	if data[0] != Version {
		return dst, fmt.Errorf("%w: version %d, this build reads %d", ErrCorrupt, data[0], Version)
	}
	body := data[2:]
	switch data[1] {
	case codecRaw:
	case codecZstd:
		var err error
		d.body, err = zdec().DecodeAll(body, d.body[:0])
		if err != nil {
			return dst, fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		body = d.body
	default:
		return dst, fmt.Errorf("%w: codec %d", ErrCorrupt, data[1])
	}
	return d.decodeBody(dst, body)
}

// uvarintAt decodes the uvarint at b[p:] and returns it with the position
// after it; the position is -1 when there is none, and stays -1 through
// later calls, so a column is checked once at its end. Positions rather
// than a reader struct keep the decoding loops in registers.
func uvarintAt(b []byte, p int) (uint64, int) {
	// Most numbers of a block are one byte: deltas of a regular grid,
	// unchanged prices.
	if uint(p) < uint(len(b)) && b[p] < 0x80 {
		return uint64(b[p]), p + 1
	}
	return uvarintSlow(b, p)
}

func uvarintSlow(b []byte, p int) (uint64, int) {
	if p < 0 || p >= len(b) {
		return 0, -1
	}
	if p+1 < len(b) && b[p+1] < 0x80 {
		return uint64(b[p]&0x7f) | uint64(b[p+1])<<7, p + 2
	}
	v, n := binary.Uvarint(b[p:])
	if n <= 0 {
		return 0, -1
	}
	return v, p + n
}

// scaleAt reads a column's decimal exponent as the factor it stands for.
func scaleAt(b []byte, p int) (int64, int) {
	if uint(p) >= uint(len(b)) || b[p] > maxExp {
		return 0, -1
	}
	return pow10[b[p]], p + 1
}

func varintAt(b []byte, p int) (int64, int) {
	u, p := uvarintAt(b, p)
	return int64(u>>1) ^ -int64(u&1), p
}

// varints decodes len(col) zig-zag varints from b[p:] into col and returns
// the position after them, or -1. Every column goes through this one loop,
// with the one-byte case written out: most numbers are one byte (deltas of
// a regular grid, unchanged prices, Wh of a quarter hour), and a call per
// number costs as much as the number.
func varints(b []byte, p int, col []int64) int {
	for i := range col {
		var u uint64
		if uint(p) < uint(len(b)) && b[p] < 0x80 {
			u = uint64(b[p])
			p++
		} else if u, p = uvarintSlow(b, p); p < 0 {
			return -1
		}
		col[i] = int64(u>>1) ^ -int64(u&1)
	}
	return p
}

func (d *Decoder) decodeBody(dst []Reading, b []byte) ([]Reading, error) {
	n64, p := uvarintAt(b, 0)
	// Every reading takes at least two bytes (instant and value).
	if p < 0 || n64 > MaxReadings || n64*2 > uint64(len(b)-p) {
		return dst, fmt.Errorf("%w: count", ErrCorrupt)
	}
	n := int(n64)
	dst = slices.Grow(dst, n)
	rs := dst[len(dst) : len(dst)+n]
	col := slices.Grow(d.col[:0], n)[:n]
	d.col = col
	if p = varints(b, p, col); p < 0 {
		return dst, fmt.Errorf("%w: instants", ErrCorrupt)
	}
	var ts, delta int64
	for i, x := range col {
		switch i {
		case 0:
			ts = x
		case 1:
			delta = x
			ts += delta
		default:
			delta += x
			ts += delta
		}
		if i > 0 && ts <= rs[i-1].TS {
			return dst, fmt.Errorf("%w: instants out of order", ErrCorrupt)
		}
		rs[i] = Reading{TS: ts}
	}
	var any int64
	if p = readRuns(b, p, rs, false, &any); p >= 0 {
		p = readRuns(b, p, rs, true, &any)
	}
	if p < 0 {
		return dst, fmt.Errorf("%w: runs", ErrCorrupt)
	}
	for k := range Parts {
		if any&(1<<k) == 0 {
			continue
		}
		have := 0
		for i := range rs {
			if rs[i].Mask&(1<<k) != 0 {
				have++
			}
		}
		var scale int64
		scale, p = scaleAt(b, p)
		if p = varints(b, p, col[:have]); p < 0 {
			return dst, fmt.Errorf("%w: component %d", ErrCorrupt, k)
		}
		var v int64
		j := 0
		for i := range rs {
			if rs[i].Mask&(1<<k) != 0 {
				v += col[j]
				j++
				rs[i].Parts[k] = v * scale
			}
		}
	}
	scale, p := scaleAt(b, p)
	if p = varints(b, p, col); p < 0 {
		return dst, fmt.Errorf("%w: values", ErrCorrupt)
	}
	var v int64
	if any == 0 { // consumption: no components to add back
		for i, x := range col {
			v += x
			rs[i].Value = v * scale
		}
	} else {
		for i, x := range col {
			v += x
			r := &rs[i]
			r.Value = v*scale + r.Parts[0] + r.Parts[1] + r.Parts[2] + r.Parts[3] + r.Parts[4]
		}
	}
	if p != len(b) {
		return dst, fmt.Errorf("%w: %d bytes left over", ErrCorrupt, len(b)-p)
	}
	return dst[:len(dst)+n], nil
}

// readRuns fills the tax column (or with mask, the mask column, OR-ing
// every mask into any) from its runs and returns the position after them,
// or -1 when the runs do not cover exactly the readings or a mask is out of
// range. The column is chosen per run, not per reading: most days are one
// run.
func readRuns(b []byte, p int, rs []Reading, mask bool, any *int64) int {
	runs, p := uvarintAt(b, p)
	if runs > uint64(len(rs)) || (runs == 0) != (len(rs) == 0) {
		return -1
	}
	i := 0
	for range runs {
		var l uint64
		var c int64
		l, p = uvarintAt(b, p)
		c, p = varintAt(b, p)
		if p < 0 || l == 0 || l > uint64(len(rs)-i) {
			return -1
		}
		run := rs[i : i+int(l)]
		if mask {
			if c < 0 || c >= 1<<Parts {
				return -1
			}
			*any |= c
			for k := range run {
				run[k].Mask = uint8(c)
			}
		} else {
			for k := range run {
				run[k].Tax = c
			}
		}
		i += int(l)
	}
	if i != len(rs) {
		return -1
	}
	return p
}

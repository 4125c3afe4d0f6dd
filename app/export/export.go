// Package export writes reports as CSV, one row at a time, so that an export
// of any size runs in constant memory straight into an HTTP response or a
// file.
//
// The output is RFC 4180 (CRLF line ends, fields quoted as needed) and safe
// to open in a spreadsheet: text that a vendor sent is guarded against
// formula injection. Numbers are exact decimals, never floats.
package export

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"wattfolio/app"
)

// Dialect is the flavour of CSV a spreadsheet expects.
type Dialect struct {
	Name  string
	Comma rune
	// DecimalComma writes 28,5 instead of 28.5, for locales whose
	// spreadsheets read a point as a thousands separator or as text.
	DecimalComma bool
	// BOM starts the file with a UTF-8 byte order mark; without it Excel
	// reads the file as Windows-1252 and garbles umlauts.
	BOM bool
}

var (
	// Standard is plain RFC 4180 for tools and scripts.
	Standard = Dialect{Name: "standard", Comma: ','}
	// ExcelDE opens correctly in German Excel by double-click.
	ExcelDE = Dialect{Name: "excel-de", Comma: ';', DecimalComma: true, BOM: true}
)

// Dialects lists the dialects on offer, for a choice in the UI.
var Dialects = []Dialect{Standard, ExcelDE}

// DialectByName returns the dialect called name.
func DialectByName(name string) (Dialect, error) {
	names := make([]string, len(Dialects))
	for i, d := range Dialects {
		if d.Name == name {
			return d, nil
		}
		names[i] = d.Name
	}
	return Dialect{}, fmt.Errorf("export: unknown CSV dialect %q; want one of %s", name, strings.Join(names, ", "))
}

// Cell is one value of a row, typed so that the writer formats it for the
// dialect and knows whether it needs the formula-injection guard. It is a
// small value, so building a row allocates nothing beyond the strings.
type Cell struct {
	kind cellKind
	text string // a text cell's text, or a number beyond a Decimal spelled out
	num  app.Decimal
	time time.Time
}

type cellKind uint8

const (
	cellEmpty cellKind = iota
	cellText
	cellNumber
	cellTime
)

// Text is a cell with text from outside the program, guarded against
// formula injection.
func Text(s string) Cell { return Cell{kind: cellText, text: s} }

// Number is an exact decimal cell; nil is an empty cell.
func Number(d *app.Decimal) Cell {
	if d == nil {
		return Cell{}
	}
	return Cell{kind: cellNumber, num: *d}
}

// Time is an ISO 8601 UTC cell to the second, e.g. 2022-09-01T00:00:00Z;
// the zero time is an empty cell. Seconds are enough for contract dates, and
// spreadsheets parse this form more readily than one with fractions.
func Time(t time.Time) Cell {
	if t.IsZero() {
		return Cell{}
	}
	return Cell{kind: cellTime, time: t}
}

// Column is one column of a report over rows of type T.
type Column[T any] struct {
	Name        string
	Description string // one line, for the README and the UI
	Value       func(T) Cell
}

// Writer writes rows of T as CSV: encoding/csv's bytes (UseCRLF), formatted
// by appending into one buffer with no string per cell, since an export
// is tens of thousands of rows. It writes the BOM and the header before
// the first row, or on Flush when there are no rows, so an empty export is
// still a valid file with its header. A Writer is not safe for concurrent use.
type Writer[T any] struct {
	format
	w       io.Writer
	cols    []Column[T]
	buf     []byte // reused for every row: memory stays constant
	started bool
	err     error
}

// NewWriter returns a Writer of cols to w in dialect d.
func NewWriter[T any](w io.Writer, d Dialect, cols []Column[T]) *Writer[T] {
	return &Writer[T]{format: newFormat(d), w: w, cols: cols, buf: make([]byte, 0, flushAt+4<<10)}
}

func (w *Writer[T]) start() error {
	if w.started {
		return w.err
	}
	w.started = true
	if w.d.BOM {
		// Straight to w, so that a file that cannot be written fails at once.
		if _, err := io.WriteString(w.w, "\ufeff"); err != nil {
			w.err = err
			return err
		}
	}
	for i, c := range w.cols {
		if i > 0 {
			w.buf = w.sep(w.buf)
		}
		w.buf = w.field(w.buf, c.Name)
	}
	w.buf = append(w.buf, '\r', '\n')
	return nil
}

// Write writes one row. Output is buffered; call Flush at the end.
func (w *Writer[T]) Write(row T) error {
	b, err := w.begin()
	if err != nil {
		return err
	}
	return w.end(w.cells(b, row, 0))
}

// begin starts a row: it writes the header first if no row has been, and
// returns the buffer to append the row's cells to.
func (w *Writer[T]) begin() ([]byte, error) {
	if err := w.start(); err != nil {
		return nil, err
	}
	return w.buf, nil
}

// cells appends the cells of row's columns from the from-th on, each after
// a separator but the first column's.
func (w *Writer[T]) cells(b []byte, row T, from int) []byte {
	for i, c := range w.cols[from:] {
		if i+from > 0 {
			b = w.sep(b)
		}
		b = w.cell(b, c.Value(row))
	}
	return b
}

// end ends the row appended to b and writes the buffer out once it holds
// enough.
func (w *Writer[T]) end(b []byte) error {
	w.buf = append(b, '\r', '\n')
	if len(w.buf) >= flushAt {
		return w.flush()
	}
	return nil
}

// Flush writes out what is buffered, and the header if no row was written,
// and returns the first error the writer met.
func (w *Writer[T]) Flush() error {
	if err := w.start(); err != nil {
		return err
	}
	return w.flush()
}

func (w *Writer[T]) flush() error {
	if w.err == nil && len(w.buf) > 0 {
		_, w.err = w.w.Write(w.buf)
		w.buf = w.buf[:0]
	}
	return w.err
}

// flushAt is how much a writer buffers before it writes to its io.Writer.
const flushAt = 60 << 10

// cell appends c as one field.
func (f format) cell(b []byte, c Cell) []byte {
	switch c.kind {
	case cellText:
		return f.text(b, c.text)
	case cellNumber:
		// Not guarded: our own formatter wrote it, so it is a plain number
		// literal such as "-0.05", which a spreadsheet reads as a number and
		// never as a formula. A quote in front would turn it into text and
		// break sums over the column.
		if c.text == "" {
			return f.number(b, int64(c.num))
		}
		at := len(b)
		if b = append(b, c.text...); f.d.DecimalComma {
			if i := bytes.IndexByte(b[at:], '.'); i >= 0 {
				b[at+i] = ','
			}
		}
		return f.quoted(b, at)
	case cellTime:
		return f.time(b, c.time)
	}
	return b
}

// format appends cells as encoding/csv's Writer with UseCRLF writes them in
// a dialect: the Writer's and ReadingWriter's formatting.
type format struct {
	d Dialect
	// plain: the comma is none of the characters of a number or a time,
	// so they never need quotes.
	plain bool
}

func newFormat(d Dialect) format {
	return format{d: d, plain: !strings.ContainsRune("0123456789+-.,:TZ", d.Comma)}
}

func (f format) sep(b []byte) []byte {
	if f.d.Comma < utf8.RuneSelf {
		return append(b, byte(f.d.Comma))
	}
	return utf8.AppendRune(b, f.d.Comma)
}

// text is a Text cell: s, guarded against formula injection.
func (f format) text(b []byte, s string) []byte { return f.field(b, guard(s)) }

// seps appends n separators: n empty cells after the last.
func (f format) seps(b []byte, n int) []byte {
	for range n {
		b = f.sep(b)
	}
	return b
}

// decimal is a Number cell: d, or empty for nil.
func (f format) decimal(b []byte, d *app.Decimal) []byte {
	if d == nil {
		return b
	}
	return f.number(b, int64(*d))
}

// time is a Time cell: RFC 3339 UTC to the second, empty for the zero time.
func (f format) time(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return b
	}
	return f.quoted(t.UTC().AppendFormat(b, time.RFC3339), len(b))
}

// number is app.Decimal(v).String(), with the dialect's decimal comma.
func (f format) number(b []byte, v int64) []byte {
	point := byte('.')
	if f.d.DecimalComma {
		point = ','
	}
	return f.quoted(app.Decimal(v).Append(b, point), len(b))
}

// field appends s as encoding/csv's Writer (UseCRLF) writes one field:
// quoted when it holds the comma, a quote, CR or LF, starts with a space,
// or is \. ; quotes doubled, LF written as CRLF and a bare CR dropped.
func (f format) field(b []byte, s string) []byte {
	if !needsQuotes(s, f.d.Comma) {
		return append(b, s...)
	}
	return quote(b, s)
}

// quoted quotes the field appended to b from at, if it needs it: a number
// or time holds no quote or line break, but a dialect's comma may be
// anything.
func (f format) quoted(b []byte, at int) []byte {
	if f.plain || !needsQuotes(b[at:], f.d.Comma) {
		return b
	}
	return quote(b[:at], string(b[at:]))
}

func quote(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			b = append(b, '"', '"')
		case '\r':
		case '\n':
			b = append(b, '\r', '\n')
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// needsQuotes is encoding/csv's rule for quoting a field, for a field in a
// string or appended to a buffer.
func needsQuotes[S string | []byte](s S, comma rune) bool {
	if len(s) == 0 {
		return false
	}
	if string(s) == `\.` {
		return true
	}
	if comma < utf8.RuneSelf {
		for i := 0; i < len(s); i++ {
			if c := s[i]; c == '\n' || c == '\r' || c == '"' || c == byte(comma) {
				return true
			}
		}
	} else if strings.ContainsRune(string(s), comma) || strings.ContainsAny(string(s), "\"\r\n") {
		return true
	}
	if s[0] < utf8.RuneSelf {
		return unicode.IsSpace(rune(s[0]))
	}
	r, _ := utf8.DecodeRuneInString(string(s))
	return unicode.IsSpace(r)
}

// guard defuses text that a spreadsheet would run as a formula (OWASP's CSV
// injection advice): a leading = + - @, tab, CR or LF makes Excel,
// LibreOffice or Google Sheets evaluate the cell, and so do spaces in front
// of one of them (" =1+1"; LibreOffice trims them). A leading single quote
// makes them show the cell as text instead; the quote is visible in other
// tools, which is the accepted price. A plain number such as "-12.5" or
// "-1.234,56" is left alone: a spreadsheet reads it as the number it is, and
// a quote would turn it into text that sums skip.
func guard(s string) string {
	t := strings.TrimLeft(s, " ")
	if t == "" {
		return s
	}
	switch t[0] {
	case '=', '+', '@', '\t', '\r', '\n':
		return "'" + s
	case '-':
		if negativeNumber.MatchString(s) {
			return s
		}
		return "'" + s
	}
	return s
}

// negativeNumber matches a negative decimal number and nothing else:
// -12.5, -0,05, or grouped in threes as -1.234,56 or -1,234.56.
var negativeNumber = regexp.MustCompile(`^-(\d+([.,]\d+)?|\d{1,3}(\.\d{3})+(,\d+)?|\d{1,3}(,\d{3})+(\.\d+)?)$`)

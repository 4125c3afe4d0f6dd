// Package export writes reports as CSV, one row at a time, so that an export
// of any size runs in constant memory straight into an HTTP response or a
// file.
//
// The output is RFC 4180 (CRLF line ends, fields quoted as needed) and safe
// to open in a spreadsheet: text that a vendor sent is guarded against
// formula injection. Numbers are exact decimals, never floats.
package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"

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

// Writer writes rows of T as CSV. It writes the BOM and the header before
// the first row, or on Flush when there are no rows, so an empty export is
// still a valid file with its header. A Writer is not safe for concurrent use.
type Writer[T any] struct {
	w       io.Writer
	csv     *csv.Writer
	dialect Dialect
	cols    []Column[T]
	record  []string // reused for every row: memory stays constant
	started bool
	err     error
}

// NewWriter returns a Writer of cols to w in dialect d.
func NewWriter[T any](w io.Writer, d Dialect, cols []Column[T]) *Writer[T] {
	cw := csv.NewWriter(w)
	cw.Comma = d.Comma
	cw.UseCRLF = true
	return &Writer[T]{w: w, csv: cw, dialect: d, cols: cols, record: make([]string, len(cols))}
}

func (w *Writer[T]) start() error {
	if w.started {
		return w.err
	}
	w.started = true
	if w.dialect.BOM {
		// Straight to w: nothing is buffered in the csv writer yet.
		if _, err := io.WriteString(w.w, "\ufeff"); err != nil {
			w.err = err
			return err
		}
	}
	for i, c := range w.cols {
		w.record[i] = c.Name
	}
	w.err = w.csv.Write(w.record)
	return w.err
}

// Write writes one row. Output is buffered; call Flush at the end.
func (w *Writer[T]) Write(row T) error {
	if err := w.start(); err != nil {
		return err
	}
	for i, c := range w.cols {
		w.record[i] = w.format(c.Value(row))
	}
	return w.csv.Write(w.record)
}

// Flush writes out what is buffered, and the header if no row was written,
// and returns the first error the writer met.
func (w *Writer[T]) Flush() error {
	if err := w.start(); err != nil {
		return err
	}
	w.csv.Flush()
	return w.csv.Error()
}

func (w *Writer[T]) format(c Cell) string {
	switch c.kind {
	case cellText:
		return guard(c.text)
	case cellNumber:
		// Not guarded: our own formatter wrote it, so it is a plain number
		// literal such as "-0.05", which a spreadsheet reads as a number and
		// never as a formula. A quote in front would turn it into text and
		// break sums over the column.
		s := c.text
		if s == "" {
			s = c.num.String()
		}
		if w.dialect.DecimalComma {
			s = strings.Replace(s, ".", ",", 1)
		}
		return s
	case cellTime:
		return c.time.UTC().Format(time.RFC3339)
	}
	return ""
}

// guard defuses text that a spreadsheet would run as a formula (OWASP's CSV
// injection advice): a leading = + - @, tab, CR or LF makes Excel,
// LibreOffice and Google Sheets evaluate the cell, and so do spaces before
// one of them. A leading single quote makes them show it as text instead;
// the quote is visible in other tools, which is the accepted price.
func guard(s string) string {
	t := strings.TrimLeft(s, " ")
	if t == "" {
		return s
	}
	switch t[0] {
	case '=', '+', '-', '@', '\t', '\r', '\n':
		return "'" + s
	}
	return s
}

package app

import (
	"fmt"
	"time"
)

// Msg is a message for a person, made where no request is at hand (a
// domain package checking a value) and shown where one is. It keeps the
// English format and its arguments apart, so that a page can look the
// format up in its message catalogue and format the numbers and dates in
// the arguments as the page does, while the command line and the logs get
// the English text, as Sprintf would make it.
//
// An argument may itself be a Msg; it is translated with the message.
type Msg struct {
	Format string
	Args   []any
}

// Msgf makes a message from an English format (a literal, so that the
// catalogue test finds it) and its arguments.
func Msgf(format string, args ...any) Msg { return Msg{Format: format, Args: args} }

// Text is a message with no translation: text from elsewhere (a vendor's
// words, a TOML decoder's) carried where a Msg is expected.
func Text(s string) Msg { return Msg{Format: "%s", Args: []any{s}} }

// String is the English text.
func (m Msg) String() string { return fmt.Sprintf(m.Format, m.Args...) }

// Error is the English text, so a Msg can be returned as an error and
// found again with errors.As.
func (m Msg) Error() string { return m.String() }

// IsZero reports whether m holds no message.
func (m Msg) IsZero() bool { return m.Format == "" }

// Day is a calendar day in a message, in the zone it is given in: the
// English text writes it 2006-01-02, a page as it writes its dates.
type Day time.Time

func (d Day) String() string { return time.Time(d).Format(time.DateOnly) }

// Month is a calendar month in a message: 2006-01 in the English text.
type Month time.Time

func (m Month) String() string { return time.Time(m).Format("2006-01") }

// Amount is a decimal in a message written with Places decimals.
type Amount struct {
	D      Decimal
	Places int
}

func (a Amount) String() string { return a.D.Fixed(a.Places) }

// Strings is the English text of each message.
func Strings(ms []Msg) []string {
	if ms == nil {
		return nil
	}
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.String()
	}
	return out
}

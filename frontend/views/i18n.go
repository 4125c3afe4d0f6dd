package views

import (
	"context"
	"sync"
	"time"

	"wattfolio/app"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// The user interface is written in English in the code; German comes from a
// message catalogue keyed by the English text. Each area of the UI registers
// its German messages from its own file (de_*.go) with addGerman, so the
// catalogue is read beside the screens it translates.

type langKey struct{}

// WithLang returns ctx carrying the display language (LangDE or LangEN)
// that T and Tf translate into.
func WithLang(ctx context.Context, lang string) context.Context {
	return context.WithValue(ctx, langKey{}, lang)
}

// LangOf is the display language carried by ctx; English when none is.
func LangOf(ctx context.Context) string {
	if l, ok := ctx.Value(langKey{}).(string); ok && l == LangDE {
		return LangDE
	}
	return LangEN
}

var (
	catMu    sync.Mutex
	german   = map[string]string{}
	catOnce  sync.Once
	cat      *catalog.Builder
	printers struct {
		de, en *message.Printer
	}
)

// addGerman registers German messages, keyed by the English text (a format
// string where Tf is used). Called from init functions only.
func addGerman(m map[string]string) {
	catMu.Lock()
	defer catMu.Unlock()
	for en, de := range m {
		if prev, dup := german[en]; dup && prev != de {
			panic("views: two German messages for " + en)
		}
		german[en] = de
	}
}

func build() {
	catMu.Lock()
	defer catMu.Unlock()
	cat = catalog.NewBuilder(catalog.Fallback(language.English))
	for en, de := range german {
		if err := cat.SetString(language.German, en, de); err != nil {
			panic("views: German message for " + en + ": " + err.Error())
		}
	}
	printers.de = message.NewPrinter(language.German, message.Catalog(cat))
	printers.en = message.NewPrinter(language.English, message.Catalog(cat))
}

func printer(lang string) *message.Printer {
	catOnce.Do(build)
	if lang == LangDE {
		return printers.de
	}
	return printers.en
}

// T translates msg, an English text, into ctx's language.
func T(ctx context.Context, msg string) string { return translate(LangOf(ctx), msg) }

// Tf formats an English format string translated into ctx's language.
// Numbers in args should be formatted by Fmt first: the printer's own
// number formatting is not the one the rest of the page uses.
func Tf(ctx context.Context, format string, args ...any) string {
	return printer(LangOf(ctx)).Sprintf(format, args...)
}

// T translates msg into f's language, for the helpers that format values
// and have no context: a page's numbers and its words change together.
func (f Fmt) T(msg string) string { return translate(f.Lang, msg) }

// Tf is Tf in f's language.
func (f Fmt) Tf(format string, args ...any) string {
	return printer(f.Lang).Sprintf(format, args...)
}

func translate(lang, msg string) string {
	if lang != LangDE {
		return msg
	}
	catOnce.Do(build)
	if de, ok := german[msg]; ok {
		return de
	}
	return msg
}

// N marks msg, an English text or format, as a message shown translated
// elsewhere (an error's reason is made where no request is at hand and
// translated by T or Tf where it is shown); it returns msg unchanged.
func N(msg string) string { return msg }

// LangFmt is a Fmt carrying only ctx's language: for the helpers that put
// words, not numbers or times, where no page model is at hand.
func LangFmt(ctx context.Context) Fmt { return Fmt{Lang: LangOf(ctx)} }

// Msg shows m, a domain package's English message, in f's language: its
// format is looked up in the catalogue, and the numbers and dates among
// its arguments are written as the rest of the page writes them.
func (f Fmt) Msg(m app.Msg) string {
	args := make([]any, len(m.Args))
	for i, a := range m.Args {
		switch a := a.(type) {
		case app.Msg:
			args[i] = f.Msg(a)
		case app.Decimal:
			args[i] = f.Decimal(a, 0, 6)
		case app.Amount:
			args[i] = f.Decimal(a.D, a.Places, a.Places)
		case app.Day:
			args[i] = f.Day(time.Time(a))
		case app.Month:
			args[i] = f.Month(time.Time(a))
		case app.DayFormats:
			args[i] = f.dayFormats()
		case app.MonthFormats:
			args[i] = f.monthFormats()
		case time.Time:
			args[i] = f.Date(a)
		default:
			args[i] = a
		}
	}
	return f.Tf(m.Format, args...)
}

// Msg is m in ctx's language.
func Msg(ctx context.Context, m app.Msg) string { return LangFmt(ctx).Msg(m) }

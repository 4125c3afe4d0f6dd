package personal

import (
	"context"
	"fmt"
	"log/slog"
)

// LogHandler wraps h so that no log record carries personal data: IBANs and
// e-mail addresses are masked in the message and in every attribute (an
// error's text, a vendor's answer quoted in one), and an attribute whose key
// names personal data (email, phone, iban, address) is masked whole. A
// record is logged all the same, so nothing that matters goes unseen.
func LogHandler(h slog.Handler) slog.Handler { return logHandler{h} }

type logHandler struct{ h slog.Handler }

func (l logHandler) Enabled(ctx context.Context, lv slog.Level) bool { return l.h.Enabled(ctx, lv) }

func (l logHandler) Handle(ctx context.Context, r slog.Record) error {
	nr := slog.NewRecord(r.Time, r.Level, MaskText(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		nr.AddAttrs(maskAttr(a))
		return true
	})
	return l.h.Handle(ctx, nr)
}

func (l logHandler) WithAttrs(as []slog.Attr) slog.Handler {
	masked := make([]slog.Attr, len(as))
	for i, a := range as {
		masked[i] = maskAttr(a)
	}
	return logHandler{l.h.WithAttrs(masked)}
}

func (l logHandler) WithGroup(name string) slog.Handler { return logHandler{l.h.WithGroup(name)} }

func maskAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	if v.Kind() == slog.KindGroup {
		g := v.Group()
		masked := make([]any, len(g))
		for i, ga := range g {
			masked[i] = maskAttr(ga)
		}
		return slog.Group(a.Key, masked...)
	}
	if KeyKind(a.Key) != "" {
		return slog.String(a.Key, Masked)
	}
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, MaskText(v.String()))
	case slog.KindAny:
		s := fmt.Sprint(v.Any())
		if m := MaskText(s); m != s {
			return slog.String(a.Key, m)
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}

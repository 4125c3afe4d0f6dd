package views

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// ProgressText says where a source stands in a sync, e.g. "readings: 3 of
// 10 meters, 45,210 readings, 12 contracts; 429, waiting 12 s (attempt 2)".
func ProgressText(ctx context.Context, f Fmt, p SyncProgress) string {
	var b strings.Builder
	switch p.Phase {
	case "queued":
		b.WriteString(T(ctx, "waiting for its turn"))
	case "contracts":
		b.WriteString(Tf(ctx, "contracts: %s stored (%s pages)", f.Int(p.Contracts), f.Int(p.Pages)))
	case "meters":
		b.WriteString(Tf(ctx, "listing meters; %s contracts stored", f.Int(p.Contracts)))
	case "readings":
		b.WriteString(Tf(ctx, "readings: %s of %s meters, %s readings, %s contracts", f.Int(p.Meters), f.Int(p.MetersOf), f.Int(p.Readings), f.Int(p.Contracts)))
	case "done":
		if p.MetersOf > 0 {
			b.WriteString(Tf(ctx, "done: %s contracts, %s readings of %s meters", f.Int(p.Contracts), f.Int(p.Readings), f.Int(p.MetersOf)))
		} else {
			b.WriteString(Tf(ctx, "done: %s contracts", f.Int(p.Contracts)))
		}
	case "failed":
		return Tf(ctx, "failed: %s", strings.TrimPrefix(p.Err, p.Source+": "))
	}
	if p.Rejected > 0 {
		b.WriteString(Tf(ctx, ", %s rejected", f.Int(p.Rejected)))
	}
	if p.Missing > 0 {
		b.WriteString(Tf(ctx, ", %s not fetched", f.Int(p.Missing)))
	}
	if w := p.Wait; w != nil {
		b.WriteString("; ")
		secs := f.seconds(w.For)
		switch {
		case w.Of > 0:
			b.WriteString(Tf(ctx, "%s, waiting %s (attempt %d of %d)", w.Cause, secs, w.Attempt, w.Of))
		case w.Attempt > 0:
			b.WriteString(Tf(ctx, "%s, waiting %s (attempt %d)", w.Cause, secs, w.Attempt))
		default:
			b.WriteString(Tf(ctx, "%s, waiting %s", w.Cause, secs))
		}
	}
	return b.String()
}

// seconds says a wait as the CLI does ("12 s", "0.4 s"), with the
// language's decimal mark.
func (f Fmt) seconds(d time.Duration) string {
	if d >= 10*time.Second {
		return fmt.Sprintf("%d s", int((d+time.Second/2)/time.Second))
	}
	s := fmt.Sprintf("%.1f s", d.Seconds())
	if !f.en() {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// Package retry is the retry policy the vendor connectors share: which HTTP
// statuses are worth another try, how long a Retry-After header (in its
// seconds form) may hold a request up, the doubling backoff between tries,
// a sleep that ends with the context, and the wording of what went wrong on
// the wire and of giving up.
//
// What to do between tries stays with each connector: which statuses stop
// the whole source, whether a 401 renews a token, how a rate limit is kept.
package retry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultCount is how many extra tries a request gets when the source's
// configuration leaves Retries at 0.
const DefaultCount = 2

// Count turns a configured Retries value into the number of extra tries:
// 0 means DefaultCount, a negative value none.
func Count(configured int) int {
	switch {
	case configured == 0:
		return DefaultCount
	case configured < 0:
		return 0
	}
	return configured
}

// Retryable reports whether an answer with this status may pass on another
// try: a 5xx, 408 Request Timeout, 425 Too Early or 429 Too Many Requests.
func Retryable(status int) bool {
	return status >= 500 || status == http.StatusRequestTimeout ||
		status == http.StatusTooEarly || status == http.StatusTooManyRequests
}

// StatusLine names a status for a message, e.g. "503 Service Unavailable",
// or just the number for a status without a standard text.
func StatusLine(status int) string {
	if t := http.StatusText(status); t != "" {
		return strconv.Itoa(status) + " " + t
	}
	return strconv.Itoa(status)
}

// After reads a Retry-After header in its seconds form, at most limit. An
// absent, negative or unreadable value, and the HTTP-date form, give 0.
func After(h string, limit time.Duration) time.Duration {
	n, err := strconv.Atoi(strings.TrimSpace(h))
	if err != nil || n < 0 {
		return 0
	}
	if time.Duration(n) > limit/time.Second {
		return limit // before multiplying, so that a huge n cannot overflow
	}
	return min(time.Duration(n)*time.Second, limit)
}

// Delay is how long to wait before try (1 for the first retry): first,
// doubled for every retry before it, or hint (a Retry-After) when longer.
func Delay(first time.Duration, try int, hint time.Duration) time.Duration {
	return max(hint, first<<(try-1))
}

// Sleep waits for d or until ctx ends, whichever comes first, and returns
// ctx.Err() in the latter case. A d of 0 or less only checks ctx.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Describe says what went wrong on the wire without the request URL, which
// adds nothing the record or endpoint named in the message does not say.
func Describe(err error) string {
	var ne net.Error
	var ue *url.Error
	switch {
	case errors.As(err, &ne) && ne.Timeout():
		return "request timed out"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "response body cut off"
	case errors.As(err, &ue):
		return ue.Err.Error()
	}
	return err.Error()
}

// GaveUp is the error after the last of tries failed: kind (the vendor's
// "unavailable" error), what went wrong last, and how many tries it took,
// e.g. "enneo is unavailable: 503 Service Unavailable (3 tries)".
func GaveUp(kind error, last string, tries int) error {
	n := "1 try"
	if tries != 1 {
		n = strconv.Itoa(tries) + " tries"
	}
	return fmt.Errorf("%w: %s (%s)", kind, last, n)
}

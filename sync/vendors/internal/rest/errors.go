package rest

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"syscall"
	"time"

	"wattfolio/app"
)

// The kinds of failure every connector's errors are matched against with
// errors.Is, whatever words the vendor's own error values use.
var (
	// ErrUnauthorized: the credentials were rejected (401) or may not read
	// what was asked (403); the whole source stops.
	ErrUnauthorized = app.ErrUnauthorized
	// ErrNotFound: the vendor has no such record or endpoint (404).
	ErrNotFound = errors.New("not found")
	// ErrRateLimited: the vendor asks for a longer wait than allowed.
	ErrRateLimited = errors.New("rate limited")
	// ErrUnavailable: no answer after every retry (5xx, timeouts, resets,
	// cut-off bodies). It wraps app.ErrNotFetched, so that what it costs
	// is counted as missing, not rejected.
	ErrUnavailable = fmt.Errorf("unavailable: %w", app.ErrNotFetched)
	// ErrBadData: the vendor answered, and the answer is unreadable.
	ErrBadData = errors.New("bad data")
)

// Kind is an error whose text is msg and which errors.Is matches against
// each of kinds: a vendor keeps its own wording ("the API key was rejected")
// while the engine and the shared suite test the kind.
func Kind(msg string, kinds ...error) error {
	var ks []error
	for _, k := range kinds {
		if k != nil {
			ks = append(ks, k)
		}
	}
	return &kindError{msg, ks}
}

type kindError struct {
	msg   string
	kinds []error
}

func (e *kindError) Error() string   { return e.msg }
func (e *kindError) Unwrap() []error { return e.kinds }

// Unavailable is a vendor's "is unavailable" error: ErrUnavailable (and so
// app.ErrNotFetched) in the vendor's words.
func Unavailable(msg string) error { return Kind(msg, ErrUnavailable) }

// Error is a request that did not end in a 2xx answer the caller could
// read. Kind is one of the kinds above, or nil for a status the kit leaves
// to the caller (say 400 or 409); Status is 0 when no answer came.
type Error struct {
	Kind   error
	Status int
	Header http.Header
	Body   []byte        // up to 64 kB of a non-2xx answer, for the vendor's message
	Last   string        // what went wrong last, e.g. "503 Service Unavailable"
	Tries  int           // tries made (counted ones: a renewed token is not one)
	Wait   time.Duration // a wait asked for that was longer than the policy's MaxWait
	Err    error         // the decoder's error for ErrBadData, the last wait's for ErrRateLimited
}

func (e *Error) Error() string {
	s := e.Last
	if e.Kind == ErrUnavailable {
		s += " (" + plural(e.Tries, "try", "tries") + ")"
	}
	if e.Wait > 0 {
		s += fmt.Sprintf(", and it asks to wait %v", e.Wait)
	}
	if e.Err != nil && e.Kind != ErrUnavailable {
		if s != "" {
			s += ": "
		}
		s += e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() []error {
	var errs []error
	if e.Kind != nil {
		errs = append(errs, e.Kind)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

// GaveUp is the error after the last of tries failed: kind (the vendor's
// "unavailable" error), what went wrong last, and how many tries it took,
// e.g. "enneo is unavailable: 503 Service Unavailable (3 tries)".
func GaveUp(kind error, last string, tries int) error {
	return fmt.Errorf("%w: %s (%s)", kind, last, plural(tries, "try", "tries"))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// StatusLine names a status for a message, e.g. "503 Service Unavailable",
// or just the number for a status without a standard text.
func StatusLine(status int) string {
	if t := http.StatusText(status); t != "" {
		return strconv.Itoa(status) + " " + t
	}
	return strconv.Itoa(status)
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
	case errors.Is(err, io.EOF):
		return "connection closed without an answer"
	case errors.As(err, &ue):
		return ue.Err.Error()
	}
	return err.Error()
}

// unreachable reports whether err is a failure to connect at all (the
// address refused, the host name unknown, no route or network), not a
// timeout, and says it the way a person reads it: "connection refused",
// "no such host".
func unreachable(err error) (string, bool) {
	var op *net.OpError
	if !errors.As(err, &op) || op.Op != "dial" || op.Timeout() {
		return "", false
	}
	var dns *net.DNSError
	var errno syscall.Errno
	switch {
	case errors.As(err, &dns) && dns.IsNotFound:
		return "no such host", true
	case errors.As(err, &dns):
		return "host name lookup failed (" + dns.Err + ")", true
	case errors.As(err, &errno):
		return errno.Error(), true
	}
	return op.Err.Error(), true
}

// StatusKind is the kind of a final answer with status; nil for one the
// caller judges (say 400 or 409).
func StatusKind(status int) error {
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return ErrUnauthorized
	case status == http.StatusNotFound:
		return ErrNotFound
	case status == http.StatusTooManyRequests:
		return ErrRateLimited
	case retryable(status):
		return ErrUnavailable
	}
	return nil
}

// retryable reports whether an answer with this status may pass on another
// try: a 5xx, 408 Request Timeout, 425 Too Early or 429 Too Many Requests.
func retryable(status int) bool {
	return status >= 500 || status == http.StatusRequestTimeout ||
		status == http.StatusTooEarly || status == http.StatusTooManyRequests
}

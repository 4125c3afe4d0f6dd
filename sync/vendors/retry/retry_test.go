package retry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"testing"
	"time"
)

func TestCount(t *testing.T) {
	for _, tt := range []struct{ in, want int }{{0, DefaultCount}, {-1, 0}, {-9, 0}, {1, 1}, {5, 5}} {
		if got := Count(tt.in); got != tt.want {
			t.Errorf("Count(%d) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestRetryable(t *testing.T) {
	for _, tt := range []struct {
		status int
		want   bool
	}{
		{200, false}, {400, false}, {401, false}, {403, false}, {404, false}, {413, false},
		{408, true}, {425, true}, {429, true}, {500, true}, {502, true}, {503, true}, {599, true},
	} {
		if got := Retryable(tt.status); got != tt.want {
			t.Errorf("Retryable(%d) = %v, want %v", tt.status, got, tt.want)
		}
	}
}

func TestStatusLine(t *testing.T) {
	for _, tt := range []struct {
		status int
		want   string
	}{{503, "503 Service Unavailable"}, {404, "404 Not Found"}, {429, "429 Too Many Requests"}, {599, "599"}} {
		if got := StatusLine(tt.status); got != tt.want {
			t.Errorf("StatusLine(%d) = %q, want %q", tt.status, got, tt.want)
		}
	}
}

func TestAfter(t *testing.T) {
	const limit = 5 * time.Second
	for _, tt := range []struct {
		h    string
		want time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"2", 2 * time.Second},
		{" 2 ", 2 * time.Second},
		{"5", limit},
		{"3600", limit},
		{"99999999999999999", limit}, // would overflow a Duration
		{"-1", 0},
		{"1.5", 0},
		{"soon", 0},
		{"Wed, 21 Oct 2015 07:28:00 GMT", 0}, // the date form is not read
	} {
		if got := After(tt.h, limit); got != tt.want {
			t.Errorf("After(%q) = %v, want %v", tt.h, got, tt.want)
		}
	}
}

func TestDelay(t *testing.T) {
	for _, tt := range []struct {
		first      time.Duration
		try        int
		hint, want time.Duration
	}{
		{200 * time.Millisecond, 1, 0, 200 * time.Millisecond},
		{200 * time.Millisecond, 2, 0, 400 * time.Millisecond},
		{200 * time.Millisecond, 3, 0, 800 * time.Millisecond},
		{200 * time.Millisecond, 2, time.Second, time.Second},
		{200 * time.Millisecond, 3, 500 * time.Millisecond, 800 * time.Millisecond},
		{0, 3, 0, 0},
	} {
		if got := Delay(tt.first, tt.try, tt.hint); got != tt.want {
			t.Errorf("Delay(%v, %d, %v) = %v, want %v", tt.first, tt.try, tt.hint, got, tt.want)
		}
	}
}

func TestSleep(t *testing.T) {
	done, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tt := range []struct {
		name     string
		ctx      context.Context
		d        time.Duration
		wantErr  error
		min, max time.Duration
	}{
		{"zero", context.Background(), 0, nil, 0, time.Second},
		{"negative", context.Background(), -time.Second, nil, 0, time.Second},
		{"short", context.Background(), 10 * time.Millisecond, nil, 10 * time.Millisecond, time.Second},
		{"ended context, zero", done, 0, context.Canceled, 0, time.Second},
		{"ended context cuts it short", done, time.Hour, context.Canceled, 0, time.Second},
	} {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			if err := Sleep(tt.ctx, tt.d); !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Errorf("Sleep = %v, want %v", err, tt.wantErr)
			}
			if took := time.Since(start); took > tt.max || took < tt.min {
				t.Errorf("took %v", took)
			}
		})
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestDescribe(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want string
	}{
		{&url.Error{Op: "Get", URL: "https://x.example/secret-path", Err: timeoutErr{}}, "request timed out"},
		{fmt.Errorf("reading: %w", io.ErrUnexpectedEOF), "response body cut off"},
		{&url.Error{Op: "Get", URL: "https://x.example/secret-path", Err: errors.New("connection refused")}, "connection refused"},
		{errors.New("something else"), "something else"},
	} {
		if got := Describe(tt.err); got != tt.want {
			t.Errorf("Describe(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

func TestGaveUp(t *testing.T) {
	errDown := errors.New("vendor is unavailable")
	for _, tt := range []struct {
		last  string
		tries int
		want  string
	}{
		{"503 Service Unavailable", 3, "vendor is unavailable: 503 Service Unavailable (3 tries)"},
		{"request timed out", 1, "vendor is unavailable: request timed out (1 try)"},
	} {
		err := GaveUp(errDown, tt.last, tt.tries)
		if err.Error() != tt.want || !errors.Is(err, errDown) {
			t.Errorf("GaveUp(%q, %d) = %v, want %q wrapping the kind", tt.last, tt.tries, err, tt.want)
		}
	}
}

package rest

import (
	"errors"
	"testing"
)

func TestBearerToken(t *testing.T) {
	for _, tt := range []struct {
		raw, want string
		wantErr   error
	}{
		{"abc123", "abc123", nil},
		{"  abc123\n", "abc123", nil},
		{"Bearer abc123", "abc123", nil},
		{"bearer   abc123 ", "abc123", nil},
		{"BEARER abc123", "abc123", nil},
		{"Bearerabc123", "Bearerabc123", nil},
		{"", "", nil},
		{"Bearer ", "Bearer", nil}, // trimmed first: a lone word is taken as the token
		{"abc 123", "", ErrWhiteSpace},
		{"Bearer abc\t123", "", ErrWhiteSpace},
	} {
		got, err := BearerToken(tt.raw)
		if got != tt.want || !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
			t.Errorf("BearerToken(%q) = %q, %v; want %q, %v", tt.raw, got, err, tt.want, tt.wantErr)
		}
	}
}

package app

import "testing"

// A quoted vendor value is cut between characters, so the message stays
// valid UTF-8 however the value is spelled.
func TestClip(t *testing.T) {
	for _, tt := range []struct {
		s    string
		n    int
		want string
	}{
		{"kWh", 20, "kWh"},
		{"abcdef", 3, "abc…"},
		{"abä", 3, "ab…"},   // ä is two bytes: cutting after the third would split it
		{"abäc", 4, "abä…"}, // ends on the character's last byte
		{"€uro", 2, "…"},
	} {
		if got := Clip(tt.s, tt.n); got != tt.want {
			t.Errorf("Clip(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
		}
	}
}

package simtoml

import "testing"

func TestString(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"demo", `"demo"`},
		{"", `""`},
		{`otark "demo"`, `"otark \"demo\""`},
		{`C:\path`, `"C:\\path"`},
		{"a\nb\tc", `"a\u000Ab\u0009c"`},
		{"del\x7f", `"del\u007F"`},
		{"Grüße · €", `"Grüße · €"`},
		{"bad\xffbyte", `"bad\uFFFDbyte"`},
	} {
		if got := String(tt.in); got != tt.want {
			t.Errorf("String(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

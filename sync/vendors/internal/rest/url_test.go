package rest

import (
	"strings"
	"testing"
)

func TestParseURL(t *testing.T) {
	const example, creds = "https://api.example.com", "put the key in the token"
	for _, tt := range []struct {
		raw, want, wantErr string
	}{
		{"https://api.example.com", "https://api.example.com", ""},
		{" https://api.example.com/v2/ ", "https://api.example.com/v2", ""},
		{"http://127.0.0.1:8080/mind//", "http://127.0.0.1:8080/mind", ""},
		{"https://api.example.com/a%2Fb/", "https://api.example.com/a/b", ""},
		{"api.example.com", "", `base URL "api.example.com": want an absolute http(s) URL such as https://api.example.com`},
		{"ftp://api.example.com", "", `base URL "ftp://api.example.com": want an absolute http(s) URL such as https://api.example.com`},
		{"https://api.example.com/?a=1", "", `base URL "https://api.example.com/?a=1": must not carry a query or fragment`},
		{"https://api.example.com/#top", "", `base URL "https://api.example.com/#top": must not carry a query or fragment`},
		{"https://u:p@api.example.com", "", "base URL must not carry credentials; put the key in the token"},
		{"https://api.example.com/\x7f", "", "base URL: parse "},
	} {
		u, err := ParseURL("base URL", tt.raw, example, creds)
		switch {
		case tt.wantErr != "":
			if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
				t.Errorf("ParseURL(%q) = %v, %v; want error %q", tt.raw, u, err, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "u:p") {
				t.Errorf("ParseURL(%q): the error shows the credentials: %v", tt.raw, err)
			}
		case err != nil || u.String() != tt.want:
			t.Errorf("ParseURL(%q) = %v, %v; want %s", tt.raw, u, err, tt.want)
		}
	}
}

package epilot

import (
	"strings"
	"testing"
)

func TestNewChecksConfig(t *testing.T) {
	tests := []struct {
		name, base, token string
		wantErr           string // "" means accepted
		wantToken         string
	}{
		{"ok", "https://portal.example/api/", "abc", "", "abc"},
		{"pasted header value", "https://portal.example", "Bearer abc", "", "abc"},
		{"relative URL", "/api", "abc", "want an absolute http(s) URL", ""},
		{"query in URL", "https://portal.example/?x=1", "abc", "must not carry a query", ""},
		{"credentials in URL", "https://user:s3cret@portal.example", "abc", "must not carry credentials", ""},
		{"no token", "https://portal.example", "  ", "no portal token configured", ""},
		{"white space in token", "https://portal.example", "ab c", "white space", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(Config{Source: "portal", BaseURL: tt.base, Token: tt.token})
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if c.cfg.Token != tt.wantToken || strings.HasSuffix(c.api.Base.Path, "/") {
					t.Errorf("token %q, path %q", c.cfg.Token, c.api.Base.Path)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), `"portal"`) {
				t.Fatalf("error %v, want one naming the source and saying %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("the error repeats the credentials: %v", err)
			}
		})
	}
}

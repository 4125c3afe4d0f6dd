package main

import (
	"net/http"
	"strings"
	"testing"

	"wattfolio/app"
	"wattfolio/sync/sources"
)

// TestSourceFormProblemsInGerman posts sources the file would refuse: the
// form answers 422 and lists each problem with the file's line, table and
// key as written, the message in the page's language. In English the lines
// are exactly what the command line prints for the same file.
func TestSourceFormProblemsInGerman(t *testing.T) {
	a := newSetupApp(t)
	tests := []struct {
		name string
		kind app.Vendor
		set  map[string]string
		de   []string // in the German page, HTML-escaped by the test
		en   string   // a message of the English page
	}{
		{"name and address", app.VendorEnneo, map[string]string{"name": "Stadtwerke Nord", "base_url": "ftp://enneo.example"}, []string{
			`Quelle "Stadtwerke Nord": name: "Stadtwerke Nord" muss mit einem Kleinbuchstaben oder einer Ziffer beginnen und darf nur a-z, 0-9, '-' und '_' enthalten`,
			`Quelle "Stadtwerke Nord": base_url: muss eine absolute http(s)-URL sein`,
		}, `source "Stadtwerke Nord": base_url: must be an absolute http(s) URL`},
		{"an id in a list", app.VendorEnneo, map[string]string{"ids": "7, 0"}, []string{
			`Quelle "stadtwerke": contract_ids: Eintrag 2: 0 ist keine positive ID`,
		}, `source "stadtwerke": contract_ids: entry 2: 0 is not a positive id`},
		{"a secret for a variable name", app.VendorOtark, map[string]string{"token": "", "token_env": "sk-live/123"}, []string{
			`Quelle "stadtwerke": token_env: muss der NAME einer Umgebungsvariablen sein (Buchstaben, Ziffern und '_'), nicht das Geheimnis selbst`,
		}, `source "stadtwerke": token_env: must be the NAME of an environment variable (letters, digits and '_'), not the secret itself`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := a.form(tt.kind, "stadtwerke")
			for k, val := range tt.set {
				v.Set(k, val)
			}
			code, page := a.postLang("/sources", "de", v)
			if code != http.StatusUnprocessableEntity {
				t.Fatalf("German form: %d, want 422\n%s", code, resultOf(page))
			}
			for _, want := range tt.de {
				if !strings.Contains(page, htmlEscape(want)) {
					t.Errorf("German page lacks %q\n%s", want, resultOf(page))
				}
			}
			if strings.Contains(page, htmlEscape(tt.en)) {
				t.Errorf("German page shows the English %q", tt.en)
			}
			code, page = a.postLang("/sources", "en", v)
			if code != http.StatusUnprocessableEntity || !strings.Contains(page, htmlEscape(tt.en)) {
				t.Errorf("English form: %d, want 422 with %q\n%s", code, tt.en, resultOf(page))
			}
		})
	}
	if fileExists(a.config) {
		t.Error("a refused source was written to the file")
	}

	// The English lines are the parser's own, as `wattfolio sync` prints them.
	e := sources.Entry{Name: "stadtwerke", Kind: app.VendorEnneo, BaseURL: "https://e.example", TokenEnv: "T", IDs: []string{"7", "0"}}
	_, err := sources.SaveSource(a.config, nil, "", e)
	if err == nil || !strings.Contains(err.Error(), `: source "stadtwerke": contract_ids: entry 2: 0 is not a positive id`) {
		t.Errorf("the parser says %v", err)
	}
}

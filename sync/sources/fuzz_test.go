package sources

import (
	"errors"
	"net/url"
	"os"
	"strings"
	"testing"
)

// A sources file is read into sources and customers that keep the
// documented promises (unique names, one scope of the source's kind, an
// absolute http(s) base URL without a trailing slash, customer ids naming
// a source of the file), or refused with every problem as an *Error with
// a line; never a panic.
func FuzzParseFile(f *testing.F) {
	example, err := os.ReadFile("../../sources.example.toml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(example)
	for _, block := range strings.SplitAfter(string(example), "\n[[source]]") {
		f.Add([]byte("[[source]]" + block))
	}
	for _, s := range []string{
		"[[source]]\nname = \"e\"\nkind = \"enneo\"\nbase_url = \"https://demo.enneo.ai/api/mind/\"\ntoken_env = \"T\"\ncontract_ids = [1]\n" +
			"[[customer]]\nname = \"Bäckerei\"\nprofile = \"g25\"\nids = { e = [\"C-1\", \"C-2\"] }\n",
		"[[source]]\nname = \"p\"\nkind = \"podero\"\nbase_url = \"http://[::1]:8080\"\ntimeout = \"1m\"\n",
		"[[customer]]\nname = \"x\"\nids = { nowhere = [\"1\"] }\n", "token = \"secret\"", "[[source]", "",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := ParseFile("sources.toml", data)
		if err != nil {
			for _, e := range unjoinAll(err) {
				var se *Error
				if !errors.As(e, &se) || se.Line < 0 || se.Msg.IsZero() {
					t.Fatalf("problem %v (%T) is not an *Error with a line", e, e)
				}
			}
			return
		}
		names := map[string]bool{}
		for _, s := range file.Sources {
			if s.Name == "" || names[s.Name] {
				t.Fatalf("source name %q empty or repeated", s.Name)
			}
			names[s.Name] = true
			scopes := 0
			if s.Section != nil {
				scopes++
			}
			u, err := url.Parse(s.BaseURL)
			if scopes != 1 || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.HasSuffix(s.BaseURL, "/") || s.Timeout <= 0 {
				t.Fatalf("source %+v (%d scopes, URL %v)", s, scopes, err)
			}
		}
		customers := map[string]bool{}
		for _, c := range file.Customers {
			if c.Name == "" || customers[strings.ToLower(c.Name)] {
				t.Fatalf("customer name %q empty or repeated", c.Name)
			}
			customers[strings.ToLower(c.Name)] = true
			for _, id := range c.IDs {
				if id.ExternalID == "" || !names[id.Source] {
					t.Fatalf("customer %q: id %+v", c.Name, id)
				}
			}
		}
	})
}

func unjoinAll(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

package views

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// messageCall finds T, Tf, N and app.Msgf calls with a literal message:
// T(ctx, "…"), f.T("…"), views.T(r.Context(), "…"), m.Fmt.Tf(`…`, …),
// app.Msgf("…", …) in the domain packages. A message built at run time
// cannot be checked here, which is why every label is written out literally.
var messageCall = regexp.MustCompile("\\b(?:Tf?|N|Msgf)\\(\\s*(?:[A-Za-z_][A-Za-z0-9_.]*(?:\\(\\))?\\s*,\\s*)?(\"(?:[^\"\\\\\\n]|\\\\.)*\"|`[^`]*`)")

// TestEveryMessageHasGerman fails naming the file and line of every
// message the UI shows with no German entry, and of every German entry no
// code uses any more (a renamed label leaves one behind).
func TestEveryMessageHasGerman(t *testing.T) {
	catOnce.Do(build)
	var files []string
	// The domain packages make messages the pages show (app.Msgf); each
	// vendor's descriptor names its own (vendor.N).
	for _, glob := range []string{"*.templ", "*.go", "../../app/*.go", "../../app/*/*.go", "../../sync/*/*.go", "../../sync/vendors/*/*.go"} {
		m, err := filepath.Glob(glob)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	used := map[string]bool{}
	calls := 0
	for _, path := range files {
		if strings.HasSuffix(path, "_templ.go") || strings.HasSuffix(path, "_test.go") {
			continue // generated from the .templ files; tests quote messages
		}
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, loc := range messageCall.FindAllSubmatchIndex(src, -1) {
			lit := string(src[loc[2]:loc[3]])
			msg, err := strconv.Unquote(lit)
			if err != nil {
				t.Errorf("%s:%d: cannot read the message %s: %v", path, line(src, loc[0]), lit, err)
				continue
			}
			calls++
			used[msg] = true
			if _, ok := german[msg]; !ok {
				t.Errorf("%s:%d: no German for %q", path, line(src, loc[0]), msg)
			}
		}
	}
	if calls < 100 {
		t.Fatalf("found only %d translated messages: the pattern no longer matches the code", calls)
	}
	var unused []string
	for en := range german {
		if !used[en] {
			unused = append(unused, en)
		}
	}
	sort.Strings(unused)
	for _, en := range unused {
		t.Errorf("%s: German entry for %q is used nowhere", entryFile(en), en)
	}
}

// entryFile is the de_*.go file (and line) that registers en.
func entryFile(en string) string {
	files, _ := filepath.Glob("de_*.go")
	key := strconv.Quote(en)
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		if i := strings.Index(string(src), key); i >= 0 {
			return f + ":" + strconv.Itoa(line(src, i))
		}
	}
	return "de_*.go"
}

func line(src []byte, off int) int { return 1 + strings.Count(string(src[:off]), "\n") }

// TestGermanMessagesKeepTheirVerbs checks that a German format string
// takes the same arguments as its English key, so Tf never prints
// %!s(MISSING) or drops a value.
func TestGermanMessagesKeepTheirVerbs(t *testing.T) {
	verb := regexp.MustCompile(`%(?:\[\d+\])?[-+# 0]*\d*(?:\.\d+)?[a-zA-Z%]`)
	count := func(s string) map[string]int {
		m := map[string]int{}
		for _, v := range verb.FindAllString(s, -1) {
			m[v]++
		}
		return m
	}
	for en, de := range german {
		a, b := count(en), count(de)
		if len(a) != len(b) {
			t.Errorf("%s: %q has verbs %v, its German %q has %v", entryFile(en), en, a, de, b)
			continue
		}
		for v, n := range a {
			if b[v] != n {
				t.Errorf("%s: %q has verbs %v, its German %q has %v", entryFile(en), en, a, de, b)
				break
			}
		}
	}
}

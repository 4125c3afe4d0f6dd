package main

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"strconv"
	"testing"
)

// highestMigration is the cache schema a user's cache ends up at: the
// largest NNNN_ prefix in db/migrations.
func highestMigration(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("db/migrations")
	if err != nil {
		t.Fatal(err)
	}
	high := -1
	re := regexp.MustCompile(`^(\d+)_.*\.sql$`)
	for _, e := range ents {
		if m := re.FindStringSubmatch(e.Name()); m != nil {
			n, _ := strconv.Atoi(m[1])
			high = max(high, n)
		}
	}
	if high < 0 {
		t.Fatal("no migrations found")
	}
	return high
}

func TestVersionNamesBuildCommitAndCacheSchema(t *testing.T) {
	schema := "cache schema " + strconv.Itoa(highestMigration(t)) + ","
	for _, args := range [][]string{{"version"}, {"--version"}} {
		var out, errb bytes.Buffer
		if code := run(context.Background(), args, &out, &errb); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errb.String())
		}
		got := out.String()
		if !regexp.MustCompile(`^wattfolio dev \(commit [0-9a-z-]+, `).MatchString(got) {
			t.Errorf("%v: %q does not start with the version and commit", args, got)
		}
		if !bytes.Contains(out.Bytes(), []byte(schema)) {
			t.Errorf("%v: %q does not name %q", args, got, schema)
		}
	}
}

func TestVersionStampedAtBuildTime(t *testing.T) {
	// What -ldflags -X does to the two variables.
	oldV, oldC := version, commit
	t.Cleanup(func() { version, commit = oldV, oldC })
	version, commit = "1.4.0", "0123456789ab"
	var out bytes.Buffer
	if code := run(context.Background(), []string{"version"}, &out, &out); code != 0 {
		t.Fatalf("exit %d: %s", code, out.String())
	}
	if want := "wattfolio 1.4.0 (commit 0123456789ab, "; !bytes.HasPrefix(out.Bytes(), []byte(want)) {
		t.Errorf("got %q, want it to start with %q", out.String(), want)
	}
}

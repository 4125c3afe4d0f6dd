//go:build unix

package main

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"wattfolio/sync/simulate"
)

// readOnlyRunner makes path a cache this test cannot write, and returns a
// command line runner for it. As root, whom no mode bits stop, the
// commands run as nobody in a child process; otherwise the file and its
// folder lose their write bits.
func readOnlyRunner(t *testing.T, path string) func(args ...string) *exec.Cmd {
	t.Helper()
	dir := filepath.Dir(path)
	if os.Geteuid() != 0 {
		os.Chmod(path, 0o444)
		os.Chmod(dir, 0o555)
		t.Cleanup(func() { os.Chmod(dir, 0o755) })
		return func(args ...string) *exec.Cmd { return child(os.Args[0], nil, args) }
	}
	// nobody must reach the cache and the test binary.
	bin := filepath.Join(t.TempDir(), "wattfolio.test")
	b, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, b, 0o755); err != nil {
		t.Fatal(err)
	}
	for d := filepath.Dir(bin); d != "/"; d = filepath.Dir(d) {
		os.Chmod(d, 0o755)
	}
	for d := dir; d != "/"; d = filepath.Dir(d) {
		os.Chmod(d, 0o755)
	}
	os.Chmod(path, 0o644)
	os.Chmod(filepath.Join(dir, "sources.toml"), 0o644)
	return func(args ...string) *exec.Cmd {
		return child(bin, &syscall.Credential{Uid: 65534, Gid: 65534}, args)
	}
}

func child(bin string, cred *syscall.Credential, args []string) *exec.Cmd {
	cmd := exec.Command(bin, "-test.run=^$")
	cmd.Env = append(os.Environ(), "WATTFOLIO_TEST_ARGS="+strings.Join(args, "\x1f"), "HOME=/tmp")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	return cmd
}

// A cache that cannot be written can be served and exported; commands
// that write say why they cannot, not "attempt to write a readonly
// database (8)".
func TestReadOnlyCache(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	f := newFixture(t, simulate.Options{Seed: 12, EnneoContracts: 8})
	if code, _, stderr := runCLI(t, "sync", "--config", f.config, "--db", f.db); code != 0 {
		t.Fatalf("sync: %s", stderr)
	}
	before := fileSum(t, f.db)
	cmd := readOnlyRunner(t, f.db)

	var out, errb bytes.Buffer
	export := cmd("export", "contracts", "--db", f.db)
	export.Stdout, export.Stderr = &out, &errb
	if err := export.Run(); err != nil || strings.Count(out.String(), "\n") < 9 {
		t.Errorf("export of a read-only cache: %v\n%s%s", err, out.String(), errb.String())
	}

	for _, args := range [][]string{
		{"sync", "--config", f.config, "--db", f.db},
		{"meters", "set-gas", "--db", f.db, "--meter", "1", "--calorific-value", "11.2", "--state-number", "0.96"},
	} {
		out.Reset()
		errb.Reset()
		c := cmd(args...)
		c.Stdout, c.Stderr = &out, &errb
		err := c.Run()
		msg := errb.String()
		if err == nil || !strings.Contains(msg, f.db+": the cache is open read-only: the file or its folder is not writable, and this command writes") || strings.Contains(msg, "(8)") {
			t.Errorf("%s on a read-only cache: %v\n%s", args[0], err, msg)
		}
	}

	serve := cmd("serve", "--db", f.db, "--addr", "127.0.0.1:0")
	stdout, err := serve.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	serve.Stderr = &errb
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		serve.Process.Signal(syscall.SIGTERM)
		serve.Wait()
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	_, rest, ok := strings.Cut(line, "http://")
	if err != nil || !ok {
		t.Fatalf("serve: %q %v\n%s", line, err, errb.String())
	}
	url := "http://" + strings.Fields(rest)[0]
	// The printed address carries the launch's token, which becomes a cookie.
	jar, _ := cookiejar.New(nil)
	res, err := (&http.Client{Jar: jar}).Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "demo-enneo") {
		t.Errorf("GET / of a served read-only cache: %d\n%s", res.StatusCode, body)
	}
	if fileSum(t, f.db) != before {
		t.Error("the read-only cache changed")
	}
}

// Package loopback serves a fake or simulated vendor for tests: a real HTTP
// server on the loopback interface with the handler mounted under a path
// prefix, so that a client that drops its base URL's path gets 404s.
package loopback

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Serve starts a server for the rest of the test with h answering below
// prefix (e.g. "/enneo/api/mind"), which h sees stripped, and returns the
// base URL to configure: the server's URL followed by prefix.
func Serve(t testing.TB, prefix string, h http.Handler) string {
	t.Helper()
	prefix = "/" + strings.Trim(prefix, "/")
	mux := http.NewServeMux()
	mux.Handle(prefix+"/", http.StripPrefix(prefix, h))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL + prefix
}

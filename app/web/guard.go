package web

import (
	"log/slog"
	"net"
	"net/http"
	"strings"
)

// loopbackOnly refuses requests whose Host is not this machine or the Wails
// window. A page on another site that rebinds its DNS name to 127.0.0.1 still
// sends its own name as Host, so this stops it reading the portfolio.
func loopbackOnly(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !allowedHost(r.Host) {
			log.Warn("request for a foreign host refused", "host", r.Host, "path", r.URL.Path)
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Header().Set("X-Content-Type-Options", "nosniff")
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte("403 Forbidden: Wattfolio answers only on localhost.\n"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// allowedHost reports whether host (a Host header, with or without port) names
// loopback or the Wails window: localhost, 127.0.0.1, [::1], wails.localhost
// (Windows' WebView2) or wails (wails://wails/ on Linux and macOS).
func allowedHost(host string) bool {
	if host == "" {
		return false
	}
	name := host
	if h, port, err := net.SplitHostPort(host); err == nil {
		if !validPort(port) {
			return false
		}
		name = h
	} else if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
		name = host[1 : len(host)-1]
	} else if strings.Contains(host, ":") {
		return false // unbracketed IPv6 or garbage
	}
	switch strings.ToLower(name) {
	case "localhost", "127.0.0.1", "::1", "wails.localhost", "wails":
		return true
	}
	return false
}

func validPort(p string) bool {
	if p == "" || len(p) > 5 {
		return p == ""
	}
	for _, c := range p {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

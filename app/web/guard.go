package web

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net"
	"net/http"
	"strings"

	"wattfolio/frontend/views"
)

// windowKey marks a request's context as coming from the desktop window.
type windowKey struct{}

// Window returns next for the desktop window's own requests: they reach the
// handler in process, through the Wails asset server, never over TCP, so
// they need no token and no Host or Origin check (WebKitGTK sends an opaque
// Origin from its custom scheme). Only code holding the handler can mark a
// request this way; nothing a TCP client sends can.
func Window(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), windowKey{}, true)))
	})
}

// fromWindow reports whether r came through Window.
func fromWindow(r *http.Request) bool {
	v, _ := r.Context().Value(windowKey{}).(bool)
	return v
}

// tokenParam is the query parameter of the address serve prints.
const tokenParam = "token"

// loopbackOnly refuses requests whose Host is not this machine. A page on
// another site that rebinds its DNS name to 127.0.0.1 still sends its own
// name as Host, so this stops it reading the portfolio. The desktop's host
// names (wails, wails.localhost) are not this machine over TCP: only
// requests marked by Window may use them.
func loopbackOnly(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !fromWindow(r) && !allowedHost(r.Host) {
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

// authorised lets a request through when it carries the launch's token, in
// its cookie or in the address serve printed, as Jupyter's server does. The
// token in an address becomes an HttpOnly, SameSite=Strict cookie, and a GET
// is sent on to the same address without it, so that it stays out of the
// history, bookmarks and Referer. Anything else gets a 401 page saying how
// to open the app. It reports whether the request may go on.
func (h *handler) authorised(w http.ResponseWriter, r *http.Request) bool {
	if fromWindow(r) {
		return true
	}
	want := h.o.Token
	if q := r.URL.Query(); want != "" && q.Has(tokenParam) {
		if !sameToken(q.Get(tokenParam), want) {
			h.log.Warn("request with a wrong token refused", "path", r.URL.Path)
			h.unauthorised(w, r, views.T(r.Context(), "This address carries a key from another start of Wattfolio."))
			return false
		}
		http.SetCookie(w, &http.Cookie{
			Name: tokenCookie(r), Value: want, Path: "/",
			HttpOnly: true, SameSite: http.SameSiteStrictMode,
		})
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			return true
		}
		q.Del(tokenParam)
		u := *r.URL
		u.Scheme, u.Host, u.User, u.RawQuery = "", "", nil, q.Encode()
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, u.RequestURI(), http.StatusSeeOther)
		return false
	}
	if c, err := r.Cookie(tokenCookie(r)); err == nil && want != "" && sameToken(c.Value, want) {
		return true
	}
	// The static assets are the same in every copy of Wattfolio; serving
	// them lets the 401 page look like the app.
	if strings.HasPrefix(r.URL.Path, "/static/") && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		return true
	}
	h.unauthorised(w, r, "")
	return false
}

func (h *handler) unauthorised(w http.ResponseWriter, r *http.Request, why string) {
	w.Header().Set("Cache-Control", "no-store")
	msg := views.Tf(r.Context(), "Wattfolio opens only from the address it printed when it started, http://%s/?token=…, which carries a key for this start. Open that link from the terminal where `wattfolio serve` (or `wattfolio demo`) runs. Each start makes a new key: if the terminal is gone, stop Wattfolio and start it again.", r.Host)
	if why != "" {
		msg = why + " " + msg
	}
	h.renderError(w, r, http.StatusUnauthorized, views.T(r.Context(), "Open Wattfolio from its address"), msg)
}

// sameToken compares in constant time, so that the answer's timing does not
// tell a local attacker how much of a guess was right.
func sameToken(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// tokenCookie is the cookie's name. Browsers share cookies between ports of
// one host, so the port is in the name: two Wattfolios on 127.0.0.1 keep a
// key each.
func tokenCookie(r *http.Request) string {
	port := ""
	if a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		if _, p, err := net.SplitHostPort(a.String()); err == nil {
			port = p
		}
	}
	if port == "" {
		if _, p, err := net.SplitHostPort(r.Host); err == nil {
			port = p
		}
	}
	return "wattfolio_token_" + port
}

// allowedHost reports whether host (a Host header, with or without port)
// names this machine: localhost, or any loopback address (127.0.0.0/8,
// [::1]), which is every address serve listens on.
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
	if strings.EqualFold(name, "localhost") {
		return true
	}
	ip := net.ParseIP(name)
	return ip != nil && ip.IsLoopback()
}

// windowHost reports whether host is one the desktop window uses: wails
// (wails://wails/ in WebKitGTK and WKWebView) or wails.localhost (WebView2).
func windowHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return strings.EqualFold(host, "wails") || strings.EqualFold(host, "wails.localhost")
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

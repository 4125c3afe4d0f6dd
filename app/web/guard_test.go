package web

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// launch serves a handler with a launch token on ln (a free port on
// 127.0.0.1 when nil), as serve does, and returns its base URL.
func launch(t *testing.T, o Options, ln net.Listener) (*handler, string) {
	t.Helper()
	hd := newHandler(o)
	srv := httptest.NewUnstartedServer(hd.chain())
	if ln != nil {
		srv.Listener.Close()
		srv.Listener = ln
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return hd, srv.URL
}

// fetch sends one request without following redirects.
func fetch(t *testing.T, c *http.Client, method, target string, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, target, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	if c == nil {
		c = &http.Client{}
	}
	nc := *c
	nc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := nc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func TestTokenGuardsEveryRequestOverTCP(t *testing.T) {
	_, base := launch(t, testOptions(seeded(t)), nil)

	// Without the token: 401 and a page saying how to open the app.
	for _, path := range []string{"/", "/contracts", "/contracts.csv", "/contracts/1", "/sync", "/nowhere"} {
		res, body := fetch(t, nil, http.MethodGet, base+path, nil)
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("GET %s without the token: %d, want 401", path, res.StatusCode)
		}
		if !strings.Contains(text(body), "?token=") || !strings.Contains(text(body), "wattfolio serve") {
			t.Errorf("GET %s: the 401 page does not say how to open the app:\n%s", path, text(body))
		}
		if strings.Contains(body, testToken) {
			t.Errorf("GET %s: the 401 page shows the token", path)
		}
	}
	// A wrong token, or the cookie of another launch, is no better.
	if res, _ := fetch(t, nil, http.MethodGet, base+"/?token=guess", nil); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong token: %d, want 401", res.StatusCode)
	}
	u, _ := url.Parse(base)
	res, _ := fetch(t, nil, http.MethodGet, base+"/", map[string]string{"Cookie": "wattfolio_token_" + u.Port() + "=another-launch"})
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("another launch's cookie: %d, want 401", res.StatusCode)
	}

	// The printed address sets the cookie and sends the browser on to the
	// same page without the token.
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	res, _ = fetch(t, browser, http.MethodGet, base+"/contracts?status=active&token="+testToken, nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/contracts?status=active" {
		t.Fatalf("the printed address: %d to %q, want 303 to /contracts?status=active", res.StatusCode, res.Header.Get("Location"))
	}
	cookies := res.Cookies()
	if len(cookies) != 1 {
		t.Fatalf("cookies set: %v", res.Header.Values("Set-Cookie"))
	}
	c := cookies[0]
	if c.Name != "wattfolio_token_"+u.Port() || c.Value != testToken || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" {
		t.Errorf("cookie %q: want HttpOnly, SameSite=Strict, Path=/, named for the port", res.Header.Get("Set-Cookie"))
	}
	res, body := fetch(t, browser, http.MethodGet, base+"/contracts?status=active", nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "<h1>Portfolio</h1>") {
		t.Errorf("with the cookie: %d, want 200 and the portfolio", res.StatusCode)
	}
	if res, _ := fetch(t, browser, http.MethodGet, base+"/contracts.csv", nil); res.StatusCode != http.StatusOK {
		t.Errorf("export with the cookie: %d, want 200", res.StatusCode)
	}
	// A script may send the token in the address of any request.
	if res, _ := fetch(t, nil, http.MethodHead, base+"/contracts?token="+testToken, nil); res.StatusCode != http.StatusSeeOther {
		t.Errorf("HEAD with the token: %d, want 303", res.StatusCode)
	}
	// The stylesheet is the same in every copy: the 401 page may use it.
	if res, _ := fetch(t, nil, http.MethodGet, base+"/static/app.css", nil); res.StatusCode != http.StatusOK {
		t.Errorf("static asset without the token: %d, want 200", res.StatusCode)
	}
}

func TestNoTokenNoEntry(t *testing.T) {
	o := testOptions(seeded(t))
	o.Token = ""
	_, base := launch(t, o, nil)
	for _, target := range []string{base + "/", base + "/?token="} {
		if res, _ := fetch(t, nil, http.MethodGet, target, map[string]string{"Cookie": "wattfolio_token_=x"}); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("GET %s on a handler without a token: %d, want 401", target, res.StatusCode)
		}
	}
}

func TestPostNeedsTokenAndSameOrigin(t *testing.T) {
	fs := &fakeSyncer{}
	o := testOptions(seeded(t))
	o.Syncer = fs
	hd, base := launch(t, o, nil)
	u, _ := url.Parse(base)
	cookie := "wattfolio_token_" + u.Port() + "=" + testToken
	for _, tc := range []struct {
		name string
		hdr  map[string]string
		want int
	}{
		{"no token", map[string]string{"Sec-Fetch-Site": "same-origin"}, http.StatusUnauthorized},
		{"cross-site with the cookie", map[string]string{"Cookie": cookie, "Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		// Another port of 127.0.0.1 is the same site, so the cookie goes
		// along: the origin check still refuses it.
		{"another local port", map[string]string{"Cookie": cookie, "Sec-Fetch-Site": "same-site", "Origin": "http://127.0.0.1:1"}, http.StatusForbidden},
		{"foreign origin, no fetch metadata", map[string]string{"Cookie": cookie, "Origin": "http://evil.example"}, http.StatusForbidden},
		{"the window's origin over TCP", map[string]string{"Cookie": cookie, "Origin": "wails://wails"}, http.StatusForbidden},
		{"the window's host over TCP", map[string]string{"Cookie": cookie, "Host": "wails", "Origin": "wails://wails"}, http.StatusForbidden},
	} {
		req, _ := http.NewRequest(http.MethodPost, base+"/sync", nil)
		for k, v := range tc.hdr {
			req.Header.Set(k, v)
		}
		if h := tc.hdr["Host"]; h != "" {
			req.Host = h
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != tc.want {
			t.Errorf("POST /sync, %s: %d, want %d", tc.name, res.StatusCode, tc.want)
		}
	}
	if fs.calls != 0 {
		t.Fatalf("refused POSTs started %d syncs", fs.calls)
	}
	res, _ := fetch(t, nil, http.MethodPost, base+"/sync", map[string]string{"Cookie": cookie, "Origin": base, "Sec-Fetch-Site": "same-origin"})
	hd.wait()
	if res.StatusCode != http.StatusOK || fs.calls != 1 {
		t.Errorf("the app's own POST /sync: %d, %d syncs; want 200 and one", res.StatusCode, fs.calls)
	}
}

// serve --addr 127.0.0.2:PORT answers its own printed address.
func TestOtherLoopbackAddressPassesTheGuard(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("no 127.0.0.2 on this machine: %v", err)
	}
	_, base := launch(t, testOptions(seeded(t)), ln)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	res, err := c.Get(base + "/?token=" + testToken)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Request.URL.String() != base+"/" {
		t.Errorf("%s/?token=…: %d at %s, want 200 at %s/", base, res.StatusCode, res.Request.URL, base)
	}
}

// The desktop window reaches the handler in process and needs no token.
func TestWindowNeedsNoToken(t *testing.T) {
	s := seeded(t)
	h := Window(New(testOptions(s)))
	id := contractID(t, s, "746839")
	for _, host := range []string{"wails", "wails.localhost"} {
		r := httptest.NewRequest(http.MethodGet, fmt.Sprintf("/contracts/%d", id), nil)
		r.Host = host
		r.Header.Set("Referer", "wails://"+host+"/contracts?status=active")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			t.Errorf("window GET with Host %s: %d, want 200", host, w.Code)
		}
		// The back link keeps the portfolio's filters in the window too.
		if !strings.Contains(w.Body.String(), `href="/contracts?status=active"`) {
			t.Errorf("Host %s: the back link lost the filters of the window's portfolio", host)
		}
	}
}

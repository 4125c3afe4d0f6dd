package rest

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// ParseURL checks that raw is an absolute http(s) URL without query, fragment
// or credentials, and returns it with trailing slashes dropped from its
// path. Errors begin with what (e.g. "base URL"); example is a URL of the
// right form to show, and credentials says where credentials belong
// instead. An error never repeats a URL that carries credentials.
func ParseURL(what, raw, example, credentials string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	switch {
	case err != nil:
		return nil, fmt.Errorf("%s: %v", what, err)
	case u.Scheme != "http" && u.Scheme != "https" || u.Host == "":
		return nil, fmt.Errorf("%s %q: want an absolute http(s) URL such as %s", what, raw, example)
	case u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("%s %q: must not carry a query or fragment", what, raw)
	case u.User != nil:
		return nil, errors.New(what + " must not carry credentials; " + credentials)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

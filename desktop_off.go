//go:build !desktop

package main

import (
	"context"
	"errors"
	"io"
	"net/http"
)

// errNoDesktop says this binary was built without the desktop shell.
var errNoDesktop = errors.New("this wattfolio was built without the desktop shell (build it with `make desktop`); use `wattfolio serve --db FILE` and open the printed URL in a browser")

func runDesktop(context.Context, http.Handler, string) error { return errNoDesktop }

func cmdDesktop(_ context.Context, _ []string, _, _ io.Writer) error { return errNoDesktop }

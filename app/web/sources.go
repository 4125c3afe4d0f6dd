package web

// The Sources page and the first launch: a field manager with no terminal
// adds, tests, edits and removes sources, links a customer's ids across
// them, or opens the demo, all from the window.

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"

	"wattfolio/app"
	"wattfolio/app/vendor"
	"wattfolio/frontend/views"
	"wattfolio/internal/tomlmap"
	"wattfolio/sync/sources"
)

// SourceSetup reads and changes the sources file, and keeps the typed
// credentials in the OS keyring (sources.ErrNoKeyring when there is none).
type SourceSetup interface {
	SourceConfig(ctx context.Context) (sources.Setup, error)
	// SaveSource adds e (old "") or replaces the source named old.
	SaveSource(ctx context.Context, old string, e sources.Entry, c sources.Credential) error
	RemoveSource(ctx context.Context, name string) error
	// SaveCustomer adds c (old "") or replaces the customer named old.
	SaveCustomer(ctx context.Context, old string, c sources.Customer) error
	// TestSource makes one request through e's connector.
	TestSource(ctx context.Context, e sources.Entry, c sources.Credential) app.ConnectionTest
}

// DemoOpener prepares the demo (simulated vendors synced into a demo
// cache) in the background, and shows it in place of this cache once ready.
type DemoOpener interface {
	OpenDemo()
	// DemoState: running while it is prepared, then ready or failed.
	DemoState() (running, ready bool, err error)
}

func (h *handler) routeSources() {
	if h.o.Setup == nil {
		return
	}
	h.handle("GET /sources", h.sourcesPage)
	h.handle("GET /sources/new", h.newSource)
	h.handle("GET /sources/edit", h.editSource)
	h.handle("POST /sources", h.saveSource)
	h.handle("POST /sources/test", h.testSource)
	h.handle("POST /sources/remove", h.removeSource)
	h.handle("GET /sources/customers/edit", h.editCustomer)
	h.handle("POST /sources/customers", h.saveCustomer)
	if h.o.Demo != nil {
		h.handle("POST /demo", h.openDemo)
		h.handle("GET /demo", h.demoPage)
	}
}

func (h *handler) sourcesPage(w http.ResponseWriter, r *http.Request) {
	h.renderSources(w, r, "")
}

func (h *handler) renderSources(w http.ResponseWriter, r *http.Request, notice string) {
	c, err := h.chrome(w, r, views.T(r.Context(), "Sources"), "sources")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	m := views.SourcesList{Chrome: c, Notice: notice, CanSync: h.o.Syncer != nil}
	m.Setup, err = h.o.Setup.SourceConfig(r.Context())
	if err != nil {
		// A file edited by hand into a state the parser refuses: its
		// messages name the line and key to fix.
		m.FileErr = err.Error()
	}
	h.respond(w, r, http.StatusOK, views.SourcesPage(m), func() any { return sourcesDocOf(m) })
}

func (h *handler) newSource(w http.ResponseWriter, r *http.Request) {
	kind := app.Vendor(r.URL.Query().Get("kind"))
	if !slices.Contains(vendor.Names(), kind) {
		c, err := h.chrome(w, r, views.T(r.Context(), "Add a source"), "sources")
		if err != nil {
			h.fail(w, r, err)
			return
		}
		h.respond(w, r, http.StatusOK, views.SourceKinds(views.SourcesList{Chrome: c}), func() any { return sourceKindsDoc{Vendors: vendor.Names()} })
		return
	}
	setup, err := h.o.Setup.SourceConfig(r.Context())
	if err != nil {
		h.renderSources(w, r, "")
		return
	}
	h.renderSourceForm(w, r, http.StatusOK, views.SourceForm{Kind: kind, V: map[string]string{}, Keyring: setup.Keyring})
}

func (h *handler) editSource(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("name")
	setup, err := h.o.Setup.SourceConfig(r.Context())
	if err != nil {
		h.renderSources(w, r, "")
		return
	}
	i := slices.IndexFunc(setup.Sources, func(e sources.Entry) bool { return e.Name == name })
	if i < 0 {
		h.fail(w, r, app.ErrNotFound)
		return
	}
	e := setup.Sources[i]
	h.renderSourceForm(w, r, http.StatusOK, views.SourceForm{Old: name, Kind: e.Kind, V: entryValues(e), Keyring: setup.Keyring})
}

func (h *handler) renderSourceForm(w http.ResponseWriter, r *http.Request, status int, m views.SourceForm) {
	c, err := h.chrome(w, r, views.T(r.Context(), "Source"), "sources")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	m.Chrome = c
	h.respond(w, r, status, views.SourceFormPage(m), func() any { return sourceFormDocOf(m) })
}

// sourceFields are the form's fields; the keyring ones are hidden and
// carry what an edited source names.
var sourceFields = []string{"name", "base_url", "ids", "customer_id", "org_id", "token_url", "token", "token_env", "token_keyring",
	"client_id", "client_id_env", "client_id_keyring", "client_secret", "client_secret_env", "client_secret_keyring"}

// readSourceForm reads the posted form: the source, the typed credential
// and the values to show again.
func (h *handler) readSourceForm(w http.ResponseWriter, r *http.Request) (views.SourceForm, sources.Entry, sources.Credential, bool) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, &requestError{Msg: "The form could not be read: " + err.Error()})
		return views.SourceForm{}, sources.Entry{}, sources.Credential{}, false
	}
	kind := app.Vendor(r.PostForm.Get("kind"))
	if !slices.Contains(vendor.Names(), kind) {
		h.fail(w, r, &requestError{Msg: "The form names no vendor Wattfolio knows."})
		return views.SourceForm{}, sources.Entry{}, sources.Credential{}, false
	}
	v := map[string]string{}
	for _, f := range sourceFields {
		v[f] = strings.TrimSpace(r.PostForm.Get(f))
	}
	m := views.SourceForm{Old: r.PostForm.Get("old"), Kind: kind, V: v}
	e := sources.Entry{
		Name: v["name"], Kind: kind, BaseURL: v["base_url"], IDs: splitIDs(v["ids"]), CustomerID: v["customer_id"],
		OrgID: v["org_id"], TokenURL: v["token_url"],
		TokenEnv: v["token_env"], TokenKeyring: v["token_keyring"],
		ClientIDEnv: v["client_id_env"], ClientIDKeyring: v["client_id_keyring"],
		ClientSecretEnv: v["client_secret_env"], ClientSecretKeyring: v["client_secret_keyring"],
	}
	// A variable named now replaces the keyring entry named before.
	if e.TokenEnv != "" {
		e.TokenKeyring = ""
	}
	if e.ClientIDEnv != "" {
		e.ClientIDKeyring = ""
	}
	if e.ClientSecretEnv != "" {
		e.ClientSecretKeyring = ""
	}
	cred := sources.Credential{Token: v["token"], ClientID: v["client_id"], ClientSecret: v["client_secret"]}
	return m, e, cred, true
}

func (h *handler) saveSource(w http.ResponseWriter, r *http.Request) {
	m, e, cred, ok := h.readSourceForm(w, r)
	if !ok {
		return
	}
	setup, err := h.o.Setup.SourceConfig(r.Context())
	m.Keyring = setup.Keyring
	if err == nil {
		err = h.o.Setup.SaveSource(r.Context(), m.Old, e, cred)
	}
	if err != nil {
		h.log.Info("source not saved", "source", e.Name, "err", err)
		// A form whose values the file refuses is 422, like the offer and
		// edit forms; a computer without a keyring is the request's problem.
		status := http.StatusUnprocessableEntity
		if errors.Is(err, sources.ErrNoKeyring) {
			m.NoKeyring, status = true, http.StatusBadRequest
		} else {
			m.Errors = errorLines(r.Context(), err)
		}
		h.renderSourceForm(w, r, status, m)
		return
	}
	h.renderSources(w, r, views.Tf(r.Context(), "Saved source %s. Sync now fetches its contracts.", e.Name))
}

func (h *handler) testSource(w http.ResponseWriter, r *http.Request) {
	m, e, cred, ok := h.readSourceForm(w, r)
	if !ok {
		return
	}
	setup, _ := h.o.Setup.SourceConfig(r.Context())
	m.Keyring = setup.Keyring
	t := h.o.Setup.TestSource(r.Context(), e, cred)
	h.log.Info("connection test", "source", e.Name, "vendor", e.Kind, "outcome", t.Outcome)
	m.Test = &t
	h.renderSourceForm(w, r, http.StatusOK, m)
}

func (h *handler) removeSource(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, &requestError{Msg: "The form could not be read: " + err.Error()})
		return
	}
	name := r.PostForm.Get("name")
	if err := h.o.Setup.RemoveSource(r.Context(), name); err != nil {
		h.fail(w, r, &requestError{Msg: err.Error()})
		return
	}
	h.renderSources(w, r, views.Tf(r.Context(), "Removed source %s from the sources file. Its contracts stay in the cache until you remove them there.", name))
}

func (h *handler) editCustomer(w http.ResponseWriter, r *http.Request) {
	setup, err := h.o.Setup.SourceConfig(r.Context())
	if err != nil {
		h.renderSources(w, r, "")
		return
	}
	m := views.CustomerForm{Sources: setup.Sources, IDs: map[string]string{}}
	if name := r.URL.Query().Get("name"); name != "" {
		i := slices.IndexFunc(setup.Customers, func(c sources.Customer) bool { return strings.EqualFold(c.Name, name) })
		if i < 0 {
			h.fail(w, r, app.ErrNotFound)
			return
		}
		c := setup.Customers[i]
		m.Old, m.Name, m.Profile = c.Name, c.Name, c.Profile
		for _, id := range c.IDs {
			m.IDs[id.Source] = strings.TrimPrefix(m.IDs[id.Source]+", "+id.ExternalID, ", ")
		}
	}
	h.renderCustomerForm(w, r, http.StatusOK, m)
}

func (h *handler) renderCustomerForm(w http.ResponseWriter, r *http.Request, status int, m views.CustomerForm) {
	c, err := h.chrome(w, r, views.T(r.Context(), "Link a customer"), "sources")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	m.Chrome = c
	h.respond(w, r, status, views.CustomerFormPage(m), func() any { return customerFormDocOf(m) })
}

func (h *handler) saveCustomer(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, &requestError{Msg: "The form could not be read: " + err.Error()})
		return
	}
	setup, err := h.o.Setup.SourceConfig(r.Context())
	if err != nil {
		h.renderSources(w, r, "")
		return
	}
	m := views.CustomerForm{Old: r.PostForm.Get("old"), Name: strings.TrimSpace(r.PostForm.Get("name")),
		Profile: strings.TrimSpace(r.PostForm.Get("profile")), Sources: setup.Sources, IDs: map[string]string{}}
	c := sources.Customer{Name: m.Name, Profile: m.Profile}
	for _, s := range setup.Sources {
		m.IDs[s.Name] = r.PostForm.Get("ids." + s.Name)
		for _, id := range splitIDs(m.IDs[s.Name]) {
			c.IDs = append(c.IDs, sources.CustomerID{Source: s.Name, ExternalID: id})
		}
	}
	if err := h.o.Setup.SaveCustomer(r.Context(), m.Old, c); err != nil {
		m.Errors = errorLines(r.Context(), err)
		h.renderCustomerForm(w, r, http.StatusUnprocessableEntity, m)
		return
	}
	h.renderSources(w, r, views.Tf(r.Context(), "Saved the links of %s. They apply from the next sync.", c.Name))
}

func (h *handler) openDemo(w http.ResponseWriter, r *http.Request) {
	h.o.Demo.OpenDemo()
	h.demoPage(w, r)
}

func (h *handler) demoPage(w http.ResponseWriter, r *http.Request) {
	c, err := h.chrome(w, r, views.T(r.Context(), "The demo"), "")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	m := views.DemoPage{Chrome: c}
	var derr error
	m.Running, m.Ready, derr = h.o.Demo.DemoState()
	if derr != nil {
		m.Err = derr.Error()
	}
	switch {
	case m.Ready:
		// The demo's own handler answers from now on.
		m.Refresh = c.Link("/contracts", nil)
	case m.Running:
		m.Refresh = c.Link("/demo", nil)
	}
	h.respond(w, r, http.StatusOK, views.DemoPreparing(m), func() any { return demoDoc{Running: m.Running, Ready: m.Ready, Error: m.Err} })
}

// entryValues are an edited source's values as the form shows them.
func entryValues(e sources.Entry) map[string]string {
	return map[string]string{
		"name": e.Name, "base_url": e.BaseURL, "ids": strings.Join(e.IDs, ", "), "customer_id": e.CustomerID,
		"org_id": e.OrgID, "token_url": e.TokenURL, "token_env": e.TokenEnv, "token_keyring": e.TokenKeyring,
		"client_id_env": e.ClientIDEnv, "client_id_keyring": e.ClientIDKeyring,
		"client_secret_env": e.ClientSecretEnv, "client_secret_keyring": e.ClientSecretKeyring,
	}
}

// splitIDs reads ids separated by commas, spaces or new lines.
func splitIDs(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })
}

// errorLines are the sources file's problems, one a line, in the page's
// language: the file, line, table and key as the file writes them, the
// message translated. In English they read as the command line prints them.
func errorLines(ctx context.Context, err error) []string {
	if views.LangOf(ctx) != views.LangDE {
		return strings.Split(err.Error(), "\n")
	}
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	var out []string
	for _, e := range errs {
		var se *sources.Error
		if !errors.As(e, &se) {
			out = append(out, strings.Split(e.Error(), "\n")...)
			continue
		}
		out = append(out, tomlmap.Message(se.File, se.Line, tableLabel(ctx, se.Source), se.Key, views.Msg(ctx, se.Msg)))
	}
	return out
}

// tableLabel translates a problem's table: `source "name"`, `customer #2`.
func tableLabel(ctx context.Context, label string) string {
	switch kind, name, _ := strings.Cut(label, " "); kind {
	case "source":
		return views.Tf(ctx, "source %s", name)
	case "customer":
		return views.Tf(ctx, "customer %s", name)
	}
	return label
}

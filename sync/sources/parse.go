package sources

import (
	"cmp"
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"wattfolio/app"
	"wattfolio/app/vendor"
	"wattfolio/internal/tomlmap"
	"wattfolio/sync/registry"
)

// Error is one problem in a sources file. ParseFile and LoadFile join all of a
// file's problems with errors.Join, ordered by line; use errors.As to get at
// the fields, for example to highlight the line in an editor.
type Error struct {
	File   string
	Line   int    // 1-based; 0 when no single line is to blame
	Source string // the table at fault: `source "name"` or `customer "name"`, or `source #2` or `customer #2` when it has no usable name
	Key    string // the offending key, when there is one
	// Msg is in English; the app's forms show it in the user's language.
	Msg app.Msg
}

func (e *Error) Error() string {
	return tomlmap.Message(e.File, e.Line, e.Source, e.Key, e.Msg.String())
}

// File is a validated sources file.
type File struct {
	// LeaveOutPersonalData is true when the file says
	// store_personal_data = false: customers' IBANs, e-mail addresses,
	// phone numbers and postal addresses are then taken out of the
	// vendors' records before they are stored, for users who never need
	// them.
	LeaveOutPersonalData bool
	Sources              []Source
	// Customers are the user's own customers, in file order; nil when the
	// file names none.
	Customers []Customer
}

// Load reads and validates the sources file at path and returns its
// sources; LoadFile also returns the customers.
func Load(path string) ([]Source, error) {
	f, err := LoadFile(path)
	if err != nil {
		return nil, err
	}
	return f.Sources, nil
}

// Parse is ParseFile for callers that only want the sources.
func Parse(filename string, data []byte) ([]Source, error) {
	f, err := ParseFile(filename, data)
	if err != nil {
		return nil, err
	}
	return f.Sources, nil
}

// LoadFile reads and validates the sources file at path.
func LoadFile(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("sources: %w", err)
	}
	return ParseFile(path, data)
}

// ParseFile validates data, the text of a sources file; filename is only
// used in messages. It returns every problem it finds, each an *Error.
//
// The document is decoded into plain maps rather than structs: a struct
// decode stops at the first type mismatch, and we want to report all of them.
// For the same reason unknown keys are found by comparing each table's keys
// with the ones its kind accepts rather than with MetaData.Undecoded, which
// does not say which [[source]] a key came from.
func ParseFile(filename string, data []byte) (*File, error) {
	doc, md, line, err := tomlmap.Decode(string(data))
	if err != nil {
		return nil, &Error{File: filename, Line: line, Msg: app.Text(err.Error())}
	}
	p := &parser{file: filename, lines: indexLines(string(data))}
	f := p.document(doc, md)
	if err := tomlmap.Join(p.errs, func(e *Error) int { return e.Line }); err != nil {
		return nil, err
	}
	return f, nil
}

type parser struct {
	file  string
	lines *lineIndex
	errs  []*Error
}

func (p *parser) add(line int, source, key string, m app.Msg) {
	p.errs = append(p.errs, &Error{File: p.file, Line: line, Source: source, Key: key, Msg: m})
}

func (p *parser) document(doc map[string]any, md toml.MetaData) *File {
	var leaveOut bool
	for _, key := range tomlmap.SortedKeys(doc, func(k string) int { return p.lines.root[k] }) {
		if key == "source" || key == "customer" {
			continue
		}
		line := p.lines.root[key]
		if key == storePersonalKey {
			store, ok := doc[key].(bool)
			if !ok {
				p.add(line, "", key, app.Msgf("must be true or false, not %s", tomlmap.TypeName(doc[key])))
			}
			leaveOut = ok && !store
			continue
		}
		if hint, ok := secretHint(key, ""); ok {
			p.add(line, "", key, hint)
			continue
		}
		p.add(line, "", key, app.Msgf("unknown key; the top of the file may set store_personal_data, each source is a [[source]] table and each customer a [[customer]] table"))
	}
	srcs, names := p.sources(doc)
	return &File{LeaveOutPersonalData: leaveOut, Sources: srcs, Customers: p.customers(doc, md, names)}
}

// storePersonalKey is the file's one top-level setting: false keeps
// customers' personal data out of the cache.
const storePersonalKey = "store_personal_data"

// sources reads the [[source]] tables. It also returns the name of every
// source table, valid or not, in file order, so that customers are checked
// against the names the user wrote; names is nil when the tables cannot be
// read at all.
func (p *parser) sources(doc map[string]any) (srcs []Source, names []string) {
	raw, ok := doc["source"]
	if !ok {
		p.add(0, "", "", app.Msgf("no sources: add at least one [[source]] table (see sources.example.toml)"))
		return nil, nil
	}
	tables, ok := tomlmap.Tables(raw)
	if !ok {
		p.add(p.lines.root["source"], "", "source", app.Msgf("must be a list of [[source]] tables, not %s", tomlmap.TypeName(raw)))
		return nil, nil
	}
	if len(tables) == 0 {
		p.add(p.lines.root["source"], "", "source", app.Msgf("no sources: add at least one [[source]] table"))
		return nil, nil
	}
	srcs = make([]Source, 0, len(tables))
	names = make([]string, 0, len(tables))
	firstLine := map[string]int{} // name -> header line of its first use
	for i, t := range tables {
		if n, ok := t["name"].(string); ok && n != "" {
			names = append(names, n)
		}
		r := &reader{p: p, index: i, raw: t, used: map[string]bool{}}
		s := r.source()
		if s.Name != "" {
			if line, dup := firstLine[s.Name]; dup {
				r.Errorf("name", app.Msgf("duplicate name %q: the source on line %d already uses it; names must be unique", s.Name, line))
			} else {
				firstLine[s.Name] = p.lines.source.header(i)
			}
		}
		srcs = append(srcs, s)
	}
	return srcs, names
}

// reader validates one [[source]] table.
type reader struct {
	p     *parser
	index int
	raw   map[string]any
	used  map[string]bool
	label string
}

// errorf reports a problem with key on the line the key is written.
func (r *reader) Errorf(key string, m app.Msg) {
	r.p.add(r.p.lines.source.key(r.index, key), r.label, key, m)
}

// missing reports a required key that is absent, on the source's header line.
func (r *reader) missing(key string, m app.Msg) {
	r.p.add(r.p.lines.source.header(r.index), r.label, key, m)
}

func (r *reader) get(key string) (any, bool) {
	v, ok := r.raw[key]
	r.used[key] = true
	return v, ok
}

// str returns a string value; "" with an error reported when it is not one.
func (r *reader) Str(key string, required bool) string {
	v, ok := r.get(key)
	if !ok {
		if required {
			r.missing(key, app.Msgf("is required"))
		}
		return ""
	}
	s, ok := v.(string)
	if !ok {
		r.Errorf(key, app.Msgf("must be a string, not %s", tomlmap.TypeName(v)))
		return ""
	}
	if required && strings.TrimSpace(s) == "" {
		r.Errorf(key, app.Msgf("must not be empty"))
		return ""
	}
	return s
}

// ids reads a list of ids that the file may write as integers or strings.
// Each entry is passed to check, which returns its canonical form or an
// error; duplicates of that form are reported once each.
func (r *reader) IDs(key, example string, required bool, check func(s string) (string, error)) []string {
	v, ok := r.get(key)
	if !ok {
		if required {
			r.missing(key, app.Msgf("is required: list the ids to sync, e.g. %s = %s", key, example))
		}
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		r.Errorf(key, app.Msgf("must be a list, not %s", tomlmap.TypeName(v)))
		return nil
	}
	if len(list) == 0 {
		if required {
			r.Errorf(key, app.Msgf("must list at least one id"))
		}
		return nil
	}
	out := make([]string, 0, len(list))
	seen := map[string]int{}
	bad := false
	for i, e := range list {
		var s string
		switch e := e.(type) {
		case string:
			s = e
		case int64:
			s = strconv.FormatInt(e, 10)
		default:
			r.Errorf(key, app.Msgf("entry %d: must be an integer or a string, not %s", i+1, tomlmap.TypeName(e)))
			bad = true
			continue
		}
		if strings.TrimSpace(s) == "" {
			r.Errorf(key, app.Msgf("entry %d: empty id", i+1))
			bad = true
			continue
		}
		c, err := check(s)
		if err != nil {
			r.Errorf(key, app.Msgf("entry %d: %v", i+1, msgOf(err)))
			bad = true
			continue
		}
		if first, dup := seen[c]; dup {
			r.Errorf(key, app.Msgf("entry %d: duplicate id %s (also entry %d)", i+1, c, first))
			bad = true
			continue
		}
		seen[c] = i + 1
		out = append(out, c)
	}
	if bad {
		return nil
	}
	return out
}

// oneOf reads an optional string that must be one of allowed; def when
// absent or wrong (the error is reported).
func (r *reader) OneOf(key, def string, allowed ...string) string {
	v, ok := r.get(key)
	if !ok {
		return def
	}
	s, ok := v.(string)
	if !ok {
		r.Errorf(key, app.Msgf("must be a string, not %s", tomlmap.TypeName(v)))
		return def
	}
	if !slices.Contains(allowed, s) {
		r.Errorf(key, app.Msgf("%q is not one of %s", s, strings.Join(allowed, ", ")))
		return def
	}
	return s
}

var (
	nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)
	envRE  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

var commonKeys = []string{"name", "kind", "base_url", "token_env", "token_keyring", "timeout", "max_requests_per_minute"}

// kindNames lists the registered kinds for a message.
func kindNames() string {
	var names []string
	for _, d := range registry.All() {
		names = append(names, string(d.Name))
	}
	return strings.Join(names, ", ")
}

func (r *reader) source() Source {
	var s Source
	r.label = fmt.Sprintf("source #%d", r.index+1)
	if n, ok := r.raw["name"].(string); ok && n != "" {
		r.label = fmt.Sprintf("source %q", n)
	}
	if name := r.Str("name", true); name != "" {
		if nameRE.MatchString(name) {
			s.Name = name
		} else {
			r.Errorf("name", app.Msgf("%q must start with a lower-case letter or digit and use only a-z, 0-9, '-' and '_'", name))
		}
	}

	var spec *registry.Descriptor
	if kind := r.Str("kind", true); kind != "" {
		if d, ok := registry.Lookup(app.Vendor(kind)); ok {
			spec = &d
			s.Vendor = d.Name
		} else {
			r.Errorf("kind", app.Msgf("unknown kind %q; want one of %s", kind, kindNames()))
		}
	}

	if raw := r.Str("base_url", true); raw != "" {
		if u, err := httpURL(raw); err != nil {
			r.Errorf("base_url", msgOf(err))
		} else {
			s.BaseURL = strings.TrimRight(u, "/")
		}
	}

	_, hasToken := r.raw["token_env"]
	_, hasEntry := r.raw["token_keyring"]
	switch {
	case spec != nil && spec.Auth == vendor.ClientCredentials && (hasToken || hasEntry):
		key := "token_env"
		if !hasToken {
			key = "token_keyring"
		}
		r.used["token_env"], r.used["token_keyring"] = true, true
		r.Errorf(key, app.Msgf("kind %s does not use a token; it authenticates with client_id_env and client_secret_env (or client_id_keyring and client_secret_keyring)", spec.Name))
	case spec != nil && spec.Auth == vendor.ClientCredentials:
	case hasToken && hasEntry:
		r.used["token_env"], r.used["token_keyring"] = true, true
		r.Errorf("token_keyring", app.Msgf("set token_env or token_keyring, not both"))
	case hasEntry:
		s.TokenKeyring = r.keyringEntry("token_keyring", true)
	default:
		required := spec == nil || spec.Auth == vendor.TokenRequired
		s.TokenEnv = r.envName("token_env", required)
	}

	s.Timeout = DefaultTimeout
	if raw := r.Str("timeout", false); raw != "" {
		d, err := time.ParseDuration(raw)
		switch {
		case err != nil:
			r.Errorf("timeout", app.Msgf("%q is not a duration; write it like \"30s\" or \"2m\"", raw))
		case d <= 0 || d > 10*time.Minute:
			r.Errorf("timeout", app.Msgf("%s is out of range; it must be more than 0s and at most 10m", raw))
		default:
			s.Timeout = d
		}
	} else if v, ok := r.raw["timeout"]; ok {
		if _, isStr := v.(string); isStr {
			r.Errorf("timeout", app.Msgf("must not be empty; leave it out for the default %s", DefaultTimeout))
		}
	}

	s.MaxRequestsPerMinute = r.perMinute(spec)

	if spec != nil {
		s.Section = spec.Decode(r)
	}
	r.leftovers(spec)
	return s
}

// MaxRequestsPerMinute bounds max_requests_per_minute: 100 a second is more
// than any vendor here allows, and a larger number is more likely a typo.
const MaxRequestsPerMinute = 6000

// perMinute reads max_requests_per_minute; 0 when it is absent.
// A kind with a published budget (registry.Descriptor.Budget) allows at most
// that.
func (r *reader) perMinute(spec *registry.Descriptor) int {
	const key = "max_requests_per_minute"
	v, ok := r.get(key)
	if !ok {
		return 0
	}
	n, ok := v.(int64)
	if !ok {
		r.Errorf(key, app.Msgf("must be a whole number of requests, like 60, not %s", tomlmap.TypeName(v)))
		return 0
	}
	upper, budget := MaxRequestsPerMinute, spec != nil && spec.Budget > 0
	if budget {
		upper = spec.Budget
	}
	switch {
	case n < 1:
		r.Errorf(key, app.Msgf("%d is out of range; it must be at least 1 (leave it out for no limit of your own)", n))
	case n > int64(upper) && budget:
		r.Errorf(key, app.Msgf("%d is out of range; %s allows at most %d requests a minute per API key", n, spec.Name, upper))
	case n > int64(upper):
		r.Errorf(key, app.Msgf("%d is out of range; it must be at most %d", n, upper))
	default:
		return int(n)
	}
	return 0
}

// envName reads a key that names an environment variable. A value that is no
// variable name is most likely the secret itself pasted in by mistake, so the
// message says so and does not repeat it.
func (r *reader) envName(key string, required bool) string {
	v := r.Str(key, required)
	if v != "" && !envRE.MatchString(v) {
		r.Errorf(key, app.Msgf("must be the NAME of an environment variable (letters, digits and '_'), not the secret itself"))
		return ""
	}
	return v
}

var entryRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@/-]{0,199}$`)

// keyringEntry reads a key that names an entry of the OS keyring (the
// entry's user under KeyringService), as the app writes it.
func (r *reader) keyringEntry(key string, required bool) string {
	v := r.Str(key, required)
	if v != "" && !entryRE.MatchString(v) {
		r.Errorf(key, app.Msgf("must name a keyring entry (letters, digits and . _ @ / -), not the secret itself"))
		return ""
	}
	return v
}

// credential reads the pair key_env / key_keyring, one of which is required.
func (r *reader) Credential(key string) (env, entry string) {
	_, hasEnv := r.raw[key+"_env"]
	_, hasEntry := r.raw[key+"_keyring"]
	switch {
	case hasEnv && hasEntry:
		r.used[key+"_env"], r.used[key+"_keyring"] = true, true
		r.Errorf(key+"_keyring", app.Msgf("set %s_env or %s_keyring, not both", key, key))
	case hasEntry:
		entry = r.keyringEntry(key+"_keyring", true)
	default:
		env = r.envName(key+"_env", true)
	}
	return env, entry
}

// leftovers reports the keys nothing read: unknown ones, another kind's and
// inline secrets.
func (r *reader) leftovers(spec *registry.Descriptor) {
	var rest []string
	for k := range r.raw {
		if !r.used[k] {
			rest = append(rest, k)
		}
	}
	slices.SortFunc(rest, func(a, b string) int {
		return cmp.Or(cmp.Compare(r.p.lines.source.key(r.index, a), r.p.lines.source.key(r.index, b)), cmp.Compare(a, b))
	})
	for _, k := range rest {
		if hint, ok := secretHint(k, r.raw["name"]); ok {
			r.Errorf(k, hint)
			continue
		}
		var owners []string
		for _, o := range registry.All() {
			if slices.Contains(o.Keys, k) {
				owners = append(owners, string(o.Name))
			}
		}
		switch {
		case k == storePersonalKey:
			r.Errorf(k, app.Msgf("belongs at the top of the file, before the first [[source]]: it applies to every source"))
		case spec == nil && len(owners) > 0:
			// The kind is missing or wrong, which is already reported;
			// a key of some kind is then no news.
		case len(owners) > 0:
			r.Errorf(k, app.Msgf("not a key of kind %s (it belongs to kind %s)", spec.Name, strings.Join(owners, ", ")))
		default:
			r.Errorf(k, app.Msgf("unknown key; a source has %s and its kind's keys", strings.Join(commonKeys, ", ")))
		}
	}
}

// secretHint recognises keys that would hold a secret in the file itself.
func secretHint(key string, name any) (app.Msg, bool) {
	k := strings.ReplaceAll(strings.ToLower(key), "-", "_")
	switch k {
	case "token", "api_key", "apikey", "api_token", "access_token", "bearer", "password", "secret", "client_secret":
	default:
		return app.Msg{}, false
	}
	envKey, suffix := "token_env", "TOKEN"
	if k == "client_secret" {
		envKey, suffix = "client_secret_env", "CLIENT_SECRET"
	}
	example := "WATTFOLIO_" + suffix
	if n, ok := name.(string); ok && nameRE.MatchString(n) {
		example = "WATTFOLIO_" + strings.ToUpper(strings.ReplaceAll(n, "-", "_")) + "_" + suffix
	}
	return app.Msgf("secrets must not be written in this file: put the secret in an environment variable and name that variable with %s (e.g. %s = %q)", envKey, envKey, example), true
}

// httpURL checks that raw is an absolute http(s) URL a connector can append
// paths to. Credentials in the URL are refused like any inline secret.
func httpURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
		return "", app.Msgf("must be an absolute http(s) URL")
	}
	if u.User != nil {
		return "", app.Msgf("must not contain a user name or password; put the secret in an environment variable and name it with token_env")
	}
	if u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(raw, "?") || strings.HasSuffix(raw, "#") {
		return "", app.Msgf("must not have a query or fragment; connectors add their own paths and parameters")
	}
	return u.String(), nil
}

// instant reads a TOML date or date-time, or a string holding one. otark
// works in UTC, so a date or date-time without an offset is taken as UTC
// rather than in the machine's zone, as BurntSushi/toml would.
func (r *reader) Instant(key string) time.Time {
	v, ok := r.get(key)
	if !ok {
		return time.Time{}
	}
	var t time.Time
	switch v := v.(type) {
	case time.Time:
		switch v.Location().String() {
		case "date-local", "datetime-local":
			y, mo, d := v.Date()
			h, mi, sec := v.Clock()
			return time.Date(y, mo, d, h, mi, sec, v.Nanosecond(), time.UTC)
		case "time-local":
			r.Errorf(key, app.Msgf("must be a date or a date-time, not a time of day"))
			return time.Time{}
		}
		t = v
	case string:
		var err error
		if t, err = time.Parse(time.RFC3339, v); err != nil {
			if t, err = time.Parse(time.DateOnly, v); err != nil {
				r.Errorf(key, app.Msgf("%q is not a date (2026-01-31) or an RFC 3339 date-time", v))
				return time.Time{}
			}
		}
	default:
		r.Errorf(key, app.Msgf("must be a date like 2026-01-31, not %s", tomlmap.TypeName(v)))
		return time.Time{}
	}
	return t.UTC()
}

// msgOf is err's message: an app.Msg as it is, any other error as text.
func msgOf(err error) app.Msg {
	var m app.Msg
	if errors.As(err, &m) {
		return m
	}
	return app.Text(err.Error())
}

// URL reads a key holding an absolute http(s) URL (see httpURL).
func (r *reader) URL(key string, required bool) string {
	raw := r.Str(key, required)
	if raw == "" {
		return ""
	}
	u, err := httpURL(raw)
	if err != nil {
		r.Errorf(key, msgOf(err))
	}
	return u
}

var _ registry.Reader = (*reader)(nil)

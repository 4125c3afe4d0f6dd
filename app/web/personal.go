package web

import (
	"net/http"
	"net/url"

	"wattfolio/app/personal"
	"wattfolio/frontend/views"
)

// personalParam in a page's address shows the personal data a vendor's
// record holds: ?personal=show. Without it the page masks it, so that the
// screen can be turned towards a customer.
const personalParam = "personal"

// includePersonalParam=1 is the same request in the words scripts use for
// the JSON twins (?include_personal_data=1).
const includePersonalParam = "include_personal_data"

// personalShown reports whether r asks to show personal data.
func personalShown(r *http.Request) bool {
	q := r.URL.Query()
	return q.Get(personalParam) == "show" || q.Get(includePersonalParam) == "1"
}

// vendorJSON is a vendor's record as the page at path shows it, indented:
// IBANs, e-mail addresses, phone numbers and postal addresses masked unless
// the request's address asks to show them, and the links that switch (to
// path, which the request's may not be: a form's POST renders the page too).
func (h *handler) vendorJSON(w http.ResponseWriter, r *http.Request, c views.Chrome, path string, raw []byte) (string, views.Personal) {
	masked, has := personal.Mask(raw)
	if !has {
		return prettyJSON(raw), views.Personal{}
	}
	q := r.URL.Query()
	p := views.Personal{Masked: true, Shown: personalShown(r)}
	show, hide := url.Values{}, url.Values{}
	for k, vs := range q {
		if k != personalParam && k != includePersonalParam {
			show[k], hide[k] = vs, vs
		}
	}
	show.Set(personalParam, "show")
	p.ShowURL, p.HideURL = c.Link(path, show), c.Link(path, hide)
	if p.Shown {
		// Not kept by the browser's cache or shown again by its back button.
		w.Header().Set("Cache-Control", "no-store")
		h.log.Info("personal data shown", "path", path)
		return prettyJSON(raw), p
	}
	return prettyJSON(masked), p
}

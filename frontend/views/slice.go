package views

import "wattfolio/app"

// SliceText says which book a cache is a slice of, for how many customers
// and when it was pulled: "Slice of postgres://… for 20 customers,
// pulled 3 Dec 2026, 14:05".
func (f Fmt) SliceText(s *app.Slice) string {
	if s.Customers == 1 {
		return f.Tf("Slice of %s for 1 customer, pulled %s", s.Book, f.DateTime(s.PulledAt))
	}
	return f.Tf("Slice of %s for %s customers, pulled %s", s.Book, f.Int(s.Customers), f.DateTime(s.PulledAt))
}

package app

import "time"

// Slice says that a cache holds a slice of a team's book on PostgreSQL
// ('wattfolio pull'), not a sync of its own, and how fresh it is.
type Slice struct {
	// Book names the book: its URL without the password.
	Book string
	// Customers counts the customers' records in the slice (one customer
	// at two vendors counts twice).
	Customers int
	// PulledAt is when the last pull finished, UTC.
	PulledAt time.Time
}

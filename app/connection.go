package app

// ConnectionOutcome is what a test request to a source's vendor came to.
type ConnectionOutcome string

const (
	ConnectionOK           ConnectionOutcome = "ok"
	ConnectionUnauthorised ConnectionOutcome = "unauthorised" // the vendor refused the credential
	ConnectionUnreachable  ConnectionOutcome = "unreachable"  // no answer: wrong host or port, offline, timed out
	ConnectionBadConfig    ConnectionOutcome = "bad_config"   // the form's values cannot make a source (a bad URL, a missing credential)
	ConnectionFailed       ConnectionOutcome = "failed"       // the vendor answered with something else
)

// ConnectionTest is what one request through a source's connector found.
type ConnectionTest struct {
	Outcome ConnectionOutcome
	// Contracts counts the contracts of the first page (OK only).
	Contracts int
	// Detail is the connector's or the file's own words, for the user.
	Detail string
}

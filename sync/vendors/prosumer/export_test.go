package prosumer

import "time"

// SetBackoff shortens the first retry delay, for tests outside the package
// (the shared connector suite).
func SetBackoff(c *Client, d time.Duration) { c.api.Policy.Backoff = d }

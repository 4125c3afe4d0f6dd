// Package simtoml writes the values of the [[source]] blocks the vendor
// simulators print for the sources file.
package simtoml

import "wattfolio/internal/tomlmap"

// String quotes s as a TOML basic string (see tomlmap.Quote).
func String(s string) string { return tomlmap.Quote(s) }

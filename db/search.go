package db

import (
	"database/sql/driver"
	"fmt"
	"strings"

	"modernc.org/sqlite"

	"wattfolio/app"
)

// The search text of contracts stored before the search folded umlauts
// and accents is folded anew by migration 0016, in SQL; this function is
// app.SearchText for it.
func init() {
	err := sqlite.RegisterDeterministicScalarFunction("wattfolio_search_text", 1, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		switch v := args[0].(type) {
		case string:
			return app.SearchText(v), nil
		case []byte:
			return app.SearchText(string(v)), nil
		case nil:
			return "", nil
		default:
			return nil, fmt.Errorf("wattfolio_search_text: want text, got %T", v)
		}
	})
	if err != nil {
		panic(err)
	}
}

// globMeta escapes GLOB's wildcards: each stands for itself in brackets.
var globMeta = strings.NewReplacer("*", "[*]", "?", "[?]", "[", "[[]")

// globPattern is the GLOB pattern of the text that contains query (folded
// already): FTS5's trigram index serves it when query has three
// characters or more, and scans contract_search otherwise.
func globPattern(query string) string {
	return "*" + globMeta.Replace(query) + "*"
}

package db

import (
	"context"
	"database/sql/driver"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf8"

	"modernc.org/sqlite"

	"wattfolio/app"
	"wattfolio/db/internal/dbq"
)

// The search text of contracts stored before the search folded umlauts
// and accents is folded anew by migration 0016, in SQL;
// wattfolio_search_text is app.SearchText for it. wattfolio_search_grams
// is searchGrams for contract_grams (0023).
func init() {
	registerText("wattfolio_search_text", app.SearchText)
	registerText("wattfolio_search_grams", searchGrams)
}

// registerText registers f as the SQL function name of one text (NULL
// taken as empty).
func registerText(name string, f func(string) string) {
	err := sqlite.RegisterDeterministicScalarFunction(name, 1, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		switch v := args[0].(type) {
		case string:
			return f(v), nil
		case []byte:
			return f(string(v)), nil
		case nil:
			return "", nil
		default:
			return nil, fmt.Errorf("%s: want text, got %T", name, v)
		}
	})
	if err != nil {
		panic(err)
	}
}

// notUTF8 is the one gram of a search text that is not valid UTF-8:
// every short search reads those texts, and instr() decides (SQLite and Go
// may cut such text into characters differently). Hex never spells it;
// ContractSearchMatches names it too.
const notUTF8 = "notutf8"

// searchGrams is the words contract_grams (0023) indexes for a search
// text: each character and each pair of adjacent characters, once, as the
// hex of its UTF-8 (the ascii tokenizer keeps hex words whole), so that a
// search of one or two characters finds its contracts in the index. The
// texts and queries are folded already; a text holds a query of one or two
// characters exactly when it has the query's gram (UTF-8 spells each
// character sequence one way).
func searchGrams(text string) string {
	if !utf8.ValidString(text) {
		return notUTF8
	}
	seen := make(map[string]struct{}, len(text))
	var b strings.Builder
	add := func(g string) {
		if _, ok := seen[g]; ok {
			return
		}
		seen[g] = struct{}{}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(hex.EncodeToString([]byte(g)))
	}
	prev := -1
	for i, r := range text {
		w := utf8.RuneLen(r)
		add(text[i : i+w])
		if prev >= 0 {
			add(text[prev : i+w])
		}
		prev = i
	}
	return b.String()
}

// gramQuery is the FTS5 query of contract_grams that finds the contracts
// whose search text holds query, a folded text of one or two characters,
// or "" when query is longer, empty or not UTF-8: the trigram index
// serves those (ContractSearchMatches also reads the texts that are not
// UTF-8, by notUTF8).
func gramQuery(query string) string {
	if n := utf8.RuneCountInString(query); n == 0 || n > 2 || !utf8.ValidString(query) {
		return ""
	}
	return `"` + hex.EncodeToString([]byte(query)) + `"`
}

// globMeta escapes GLOB's wildcards: each stands for itself in brackets.
var globMeta = strings.NewReplacer("*", "[*]", "?", "[?]", "[", "[[]")

// globPattern is the GLOB pattern of the text that contains query (folded
// already): FTS5's trigram index serves it when query has three
// characters or more; shorter ones are found by their gram (gramQuery).
func globPattern(query string) string {
	return "*" + globMeta.Replace(query) + "*"
}

// flushContractGrams indexes the grams of the contracts written since
// theirs were (contract_grams_pending), unless none wait: a transaction
// that wrote no contract writes nothing more.
func flushContractGrams(ctx context.Context, q *dbq.Queries) error {
	pending, err := q.ContractGramsPending(ctx)
	if err != nil || !pending {
		return err
	}
	if err := q.FlushContractGrams(ctx); err != nil {
		return err
	}
	return q.ClearContractGramsPending(ctx)
}

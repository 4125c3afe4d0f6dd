package db

import (
	"context"
	"database/sql"
	_ "embed"
	"fmt"
	"strings"
)

//go:embed pragma.sql
var pragmaSQL string

// pragmas maps the names in pragma.sql to their statements.
var pragmas = func() map[string]string {
	m := map[string]string{}
	var name string
	for _, line := range strings.Split(pragmaSQL, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "-- name: "):
			name = strings.TrimPrefix(line, "-- name: ")
		case name != "" && line != "" && !strings.HasPrefix(line, "--"):
			m[name] += line
		}
	}
	return m
}()

func pragma(name string) string {
	p, ok := pragmas[name]
	if !ok {
		panic("db: no pragma " + name + " in pragma.sql")
	}
	return p
}

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// checkRows runs quick_check or integrity_check and returns SQLite's
// problems, none when it answers "ok".
func checkRows(ctx context.Context, q querier, name string) ([]string, error) {
	rows, err := q.QueryContext(ctx, pragma(name))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return problems, nil
}

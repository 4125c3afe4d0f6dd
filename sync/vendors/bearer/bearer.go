// Package bearer reads a bearer token as people paste it into a source's
// configuration.
package bearer

import (
	"errors"
	"strings"
)

// ErrWhiteSpace is returned for a token with white space inside it.
var ErrWhiteSpace = errors.New("the token contains white space")

// Token trims raw and drops a "Bearer " prefix (people paste the header
// value; the token is what follows). "" stays "": whether a token is
// required is the caller's to say.
func Token(raw string) (string, error) {
	token := strings.TrimSpace(raw)
	if len(token) > 7 && strings.EqualFold(token[:7], "bearer ") {
		token = strings.TrimSpace(token[7:])
	}
	if strings.ContainsAny(token, " \t\r\n") {
		return "", ErrWhiteSpace
	}
	return token, nil
}

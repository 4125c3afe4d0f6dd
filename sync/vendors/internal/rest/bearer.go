package rest

import (
	"errors"
	"strings"
)

// ErrWhiteSpace is returned for a token with white space inside it.
var ErrWhiteSpace = errors.New("the token contains white space")

// BearerToken trims raw and drops a "Bearer " prefix (people paste the header
// value; the token is what follows). "" stays "": whether a token is
// required is the caller's to say.
func BearerToken(raw string) (string, error) {
	token := strings.TrimSpace(raw)
	if len(token) > 7 && strings.EqualFold(token[:7], "bearer ") {
		token = strings.TrimSpace(token[7:])
	}
	if strings.ContainsAny(token, " \t\r\n") {
		return "", ErrWhiteSpace
	}
	return token, nil
}

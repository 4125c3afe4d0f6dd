// Package app holds Wattfolio's domain: contracts across vendors, exact
// decimals for money, the filters a portfolio is browsed with, and the errors
// the rest of the program reports. It imports only the standard library and
// knows nothing of HTTP, SQL, vendors or the desktop shell.
package app

// Package simgen is what the simulators' data generators share: a seeded
// random source with the draws they make, so that one seed always gives the
// same data, and the JSON encoding of the payloads they generate.
package simgen

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
)

// Rand is a deterministic random source. Embed it in a generator.
type Rand struct{ *rand.Rand }

// New returns the PCG source for seed; stream tells simulators apart, so
// that two of them given the same seed do not draw the same numbers.
func New(seed, stream uint64) Rand {
	return Rand{rand.New(rand.NewPCG(seed, stream))}
}

// Pick draws an index below n.
func (r Rand) Pick(n int) int { return r.IntN(n) }

// Between draws a number from lo to hi, both included.
func (r Rand) Between(lo, hi int) int { return lo + r.IntN(hi-lo+1) }

// Chance is true percent times in a hundred.
func (r Rand) Chance(percent int) bool { return r.IntN(100) < percent }

// Marshal encodes v as compact JSON without a trailing newline, leaving
// "&", "<" and ">" as they are ("GmbH & Co. KG" reads better than
// "\u0026"). It panics on a value JSON cannot encode: generators only
// encode fixed, valid types.
func Marshal(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

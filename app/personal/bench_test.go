package personal

import (
	"os"
	"path/filepath"
	"testing"
)

// What one enneo record costs to mask (the contract page), strip (each
// record of a sync with store_personal_data = false) and extract (each row
// of an export with personal data).
func BenchmarkRecord(b *testing.B) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "sync", "vendors", "enneo", "testdata", "contract_746839.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("mask", func(b *testing.B) {
		for b.Loop() {
			Mask(raw)
		}
	})
	b.Run("strip", func(b *testing.B) {
		for b.Loop() {
			Strip(raw)
		}
	})
	b.Run("extract", func(b *testing.B) {
		for b.Loop() {
			Extract(raw)
		}
	})
}

package simgen

import "testing"

func TestSameSeedSameDraws(t *testing.T) {
	for _, tt := range []struct {
		name      string
		seedA     uint64
		streamA   uint64
		seedB     uint64
		streamB   uint64
		wantEqual bool
	}{
		{"same seed and stream", 1, 7, 1, 7, true},
		{"other seed", 1, 7, 2, 7, false},
		{"other stream", 1, 7, 1, 8, false},
	} {
		a, b := New(tt.seedA, tt.streamA), New(tt.seedB, tt.streamB)
		equal := true
		for range 20 {
			if a.Pick(1_000_000) != b.Pick(1_000_000) {
				equal = false
			}
		}
		if equal != tt.wantEqual {
			t.Errorf("%s: equal draws %v, want %v", tt.name, equal, tt.wantEqual)
		}
	}
}

func TestDrawsStayInRange(t *testing.T) {
	r := New(42, 1)
	for _, tt := range []struct{ lo, hi int }{{0, 0}, {1, 6}, {-5, 5}, {180, 210}} {
		seen := map[int]bool{}
		for range 2000 {
			n := r.Between(tt.lo, tt.hi)
			if n < tt.lo || n > tt.hi {
				t.Fatalf("Between(%d, %d) = %d", tt.lo, tt.hi, n)
			}
			seen[n] = true
		}
		if len(seen) != tt.hi-tt.lo+1 {
			t.Errorf("Between(%d, %d) drew %d distinct values, want every one", tt.lo, tt.hi, len(seen))
		}
	}
	for _, tt := range []struct{ percent, lo, hi int }{{0, 0, 0}, {100, 10000, 10000}, {30, 2700, 3300}} {
		n := 0
		for range 10000 {
			if r.Chance(tt.percent) {
				n++
			}
		}
		if n < tt.lo || n > tt.hi {
			t.Errorf("Chance(%d) true %d times in 10000, want %d..%d", tt.percent, n, tt.lo, tt.hi)
		}
	}
}

func TestMarshal(t *testing.T) {
	for _, tt := range []struct {
		v    any
		want string
	}{
		{map[string]string{"name": "GmbH & Co. KG <x>"}, `{"name":"GmbH & Co. KG <x>"}`},
		{[]int{1, 2}, `[1,2]`},
		{nil, `null`},
	} {
		if got := string(Marshal(tt.v)); got != tt.want {
			t.Errorf("Marshal(%v) = %s, want %s", tt.v, got, tt.want)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("Marshal of a channel did not panic")
		}
	}()
	Marshal(make(chan int))
}

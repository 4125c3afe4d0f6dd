package db

import (
	"context"
	"maps"
	"testing"

	"wattfolio/app/outbox"
)

// What the book's outcome of a pushed change makes of it on the laptop,
// depending on what the analyst did after the push. The contract's
// supplier was "Old" when the edit began.
func TestApplyBookOutcome(t *testing.T) {
	for _, tt := range []struct {
		name      string
		afterPush map[string]string // an edit after the push; nil: none
		outcome   outbox.BookOutcome
		// want: state, new values, base of the edited fields, whether the
		// change has a key for the book (a new change has none yet).
		state    string
		new      map[string]string
		base     map[string]string
		keyKept  bool
		message  string
		settled  bool
		inBookTo bool
	}{
		{
			name:    "sent as pushed",
			outcome: outbox.BookOutcome{State: outbox.Sent, New: map[string]string{"supplier": "New"}},
			state:   outbox.Sent, new: map[string]string{"supplier": "New"}, base: map[string]string{"supplier": "Old"},
			keyKept: true, settled: true,
		},
		{
			name:    "still waiting in the book",
			outcome: outbox.BookOutcome{State: outbox.Pending, New: map[string]string{"supplier": "New"}},
			state:   outbox.Pending, new: map[string]string{"supplier": "New"}, base: map[string]string{"supplier": "Old"},
			keyKept: true, inBookTo: true,
		},
		{
			name:    "rejected, with the vendor's words",
			outcome: outbox.BookOutcome{State: outbox.Rejected, Message: "Unknown supplier.", New: map[string]string{"supplier": "New"}},
			state:   outbox.Rejected, new: map[string]string{"supplier": "New"}, base: map[string]string{"supplier": "Old"},
			keyKept: true, message: "Unknown supplier.", settled: true,
		},
		{
			name: "in conflict with another analyst's change",
			outcome: outbox.BookOutcome{State: outbox.Conflict, Message: "alice's change #1 of supplier was pushed to the book first",
				New: map[string]string{"supplier": "New"}, Theirs: map[string]string{"supplier": "Alpha"}},
			state: outbox.Conflict, new: map[string]string{"supplier": "New"}, base: map[string]string{"supplier": "Old"},
			keyKept: true, message: "alice's change #1 of supplier was pushed to the book first", settled: true,
		},
		{
			// The vendor holds "New" now: meter_id is left, as a new change.
			name:      "sent, and another field edited since",
			afterPush: map[string]string{"meter_id": "M9"},
			outcome:   outbox.BookOutcome{State: outbox.Sent, New: map[string]string{"supplier": "New"}},
			state:     outbox.Pending, new: map[string]string{"meter_id": "M9"}, base: map[string]string{"supplier": "New", "meter_id": ""},
			message: outbox.EditedWhileSending,
		},
		{
			name:      "sent, and the same field edited since",
			afterPush: map[string]string{"supplier": "Newer"},
			outcome:   outbox.BookOutcome{State: outbox.Sent, New: map[string]string{"supplier": "New"}},
			state:     outbox.Pending, new: map[string]string{"supplier": "Newer"}, base: map[string]string{"supplier": "New"},
			message: outbox.EditedWhileSending,
		},
		{
			// Set back to the value before the edit: kept (the book would
			// send "New" otherwise), and sent back by the book's sync.
			name:      "sent, and set back since",
			afterPush: map[string]string{"supplier": "Old"},
			outcome:   outbox.BookOutcome{State: outbox.Sent, New: map[string]string{"supplier": "New"}},
			state:     outbox.Pending, new: map[string]string{"supplier": "Old"}, base: map[string]string{"supplier": "New"},
			message: outbox.EditedWhileSending,
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := openTest(t)
			ctx := context.Background()
			seedPodero(t, s, `{"id":"k1","supplier":"Old","meter_id":null}`)
			if _, err := s.Edit(ctx, "pod", "k1", map[string]string{"supplier": "New"}); err != nil {
				t.Fatal(err)
			}
			push, err := s.ToPush(ctx)
			if err != nil || len(push) != 1 || push[0].BookKey == "" {
				t.Fatalf("to push: %+v, %v", push, err)
			}
			key := push[0].BookKey
			if err := s.MarkPushed(ctx, key, push[0].New); err != nil {
				t.Fatal(err)
			}
			if again, err := s.ToPush(ctx); err != nil || len(again) != 0 {
				t.Fatalf("to push after the push: %+v, %v; want none", again, err)
			}
			if tt.afterPush != nil {
				if _, err := s.Edit(ctx, "pod", "k1", tt.afterPush); err != nil {
					t.Fatal(err)
				}
			}
			tt.outcome.Key = key
			settled, err := s.ApplyBookOutcome(ctx, tt.outcome)
			if err != nil || settled != tt.settled {
				t.Fatalf("apply: settled %v, %v; want %v", settled, err, tt.settled)
			}
			c := onlyChange(t, s)
			base := map[string]string{}
			for f := range tt.base {
				base[f] = c.Base[f]
			}
			if c.State != tt.state || !maps.Equal(c.New, tt.new) || !maps.Equal(base, tt.base) || c.Message != tt.message {
				t.Errorf("change = %s %v (base %v) %q; want %s %v (base %v) %q", c.State, c.New, base, c.Message, tt.state, tt.new, tt.base, tt.message)
			}
			if (c.BookKey == key) != tt.keyKept || c.InBook != tt.inBookTo {
				t.Errorf("key %q (pushed as %q), in the book %v; want key kept %v, in the book %v", c.BookKey, key, c.InBook, tt.keyKept, tt.inBookTo)
			}
			// Settled, applying it again changes nothing.
			if settled, err := s.ApplyBookOutcome(ctx, tt.outcome); err != nil || settled {
				t.Errorf("applied twice: settled %v, %v", settled, err)
			}
		})
	}
}

// A cache keeps its id in the books, and the analyst its pushes name.
func TestLaptopIDIsKept(t *testing.T) {
	s, path := openTest(t)
	ctx := context.Background()
	id, author, err := s.LaptopID(ctx)
	if err != nil || len(id) != 32 || author != "" {
		t.Fatalf("laptop id %q, author %q, %v", id, author, err)
	}
	if err := s.SetAuthor(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if again, author, err := s2.LaptopID(ctx); err != nil || again != id || author != "alice" {
		t.Errorf("laptop id after reopening %q (%q), %v; want %q (alice)", again, author, err, id)
	}
}

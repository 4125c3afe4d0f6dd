package db

import (
	"context"
	"errors"
	"strings"
	"testing"

	"wattfolio/app"
)

// A vendor's error message that quotes an IBAN or an e-mail address is
// stored, and shown on the sync page, without them.
func TestRunErrorsStoreNoPersonalData(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	seed(t, s, "acme", sample("1"))
	run, err := s.BeginRun(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	bad := &app.RecordError{Source: "acme", Record: "contract 2", Field: "iban",
		Err: errors.New("vendor says: DE89370400440532013000 does not belong to max@example.com")}
	if err := s.SavePage(ctx, run, "acme", "contracts", nil, []*app.RecordError{bad}, ""); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishRun(ctx, run, app.RunFailed, "422: invalid email max@example.com"); err != nil {
		t.Fatal(err)
	}
	st, err := s.SourceStatuses(ctx)
	if err != nil || len(st) != 1 || st[0].LastRun == nil {
		t.Fatalf("statuses %+v, %v", st, err)
	}
	shown := st[0].LastRun.Error + " " + strings.Join(st[0].LastRun.Problems, " ")
	if strings.Contains(shown, "DE89370400440532013000") || strings.Contains(shown, "max@example.com") || !strings.Contains(shown, "does not belong to") {
		t.Errorf("stored: %q", shown)
	}
}

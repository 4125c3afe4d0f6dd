package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"wattfolio/app/offer"
	"wattfolio/db/internal/dbq"
)

// Salvaged says what Salvage carried into the new cache and what it could
// not read.
type Salvaged struct {
	Offers, Edits, Notes int
	// Lost lists what could not be read from the old cache, one line each.
	Lost []string
}

// Salvage makes a new cache at to from what can still be read of a damaged
// one at from: the offers, the offline edits the vendor has not accepted
// yet and the notes on contracts, which live nowhere else, and the
// laptop's identity in a team's book (its id, its analyst and the keys of
// the changes it pushed), so that the book takes none of its pushed changes
// twice. Everything else comes back with a sync. from is opened read-only and never changed; to must not exist.
func Salvage(ctx context.Context, from, to string) (Salvaged, error) {
	var res Salvaged
	if _, err := os.Stat(to); !errors.Is(err, fs.ErrNotExist) {
		return res, fmt.Errorf("%s exists: salvage makes a new cache, so give --db a path where there is no file yet", to)
	}
	if _, err := inspect(ctx, from, Read); err != nil {
		return res, err
	}
	conn, _, err := openRO(ctx, from, false)
	if err != nil {
		return res, describe(from, err)
	}
	defer conn.Close()
	old := &Store{path: from, readOnly: true, w: conn, r: conn, wq: dbq.New(conn), rq: dbq.New(conn), now: time.Now}

	offers, err := old.Offers(ctx)
	if err != nil {
		offers, res.Lost = salvageOffers(ctx, old, err)
	}
	edits, err := old.rq.SalvageOutbox(ctx)
	if err != nil {
		res.Lost = append(res.Lost, fmt.Sprintf("the offline edits: %v", firstLine(err.Error())))
	}
	notes, err := old.rq.SalvageNotes(ctx)
	if err != nil {
		res.Lost = append(res.Lost, fmt.Sprintf("the notes on contracts: %v", firstLine(err.Error())))
	}
	laptop, err := old.rq.LaptopID(ctx)
	hasLaptop := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		res.Lost = append(res.Lost, fmt.Sprintf("the laptop's id in a team's book: %v", firstLine(err.Error())))
	}

	store, err := OpenMode(ctx, to, Create)
	if err != nil {
		return res, err
	}
	defer store.Close()
	if _, _, err := store.SaveOffers(ctx, offers); err != nil {
		return res, err
	}
	res.Offers = len(offers)
	err = store.inTx(ctx, func(q *dbq.Queries) error {
		source := func(name, vendor, baseURL string) (int64, error) {
			return q.UpsertSource(ctx, dbq.UpsertSourceParams{Name: name, Vendor: vendor, BaseUrl: baseURL, CreatedAt: store.now().Unix()})
		}
		for _, n := range notes {
			if _, err := source(n.SourceName, n.Vendor, n.BaseUrl); err != nil {
				return err
			}
			_, err := q.PutContractNotes(ctx, dbq.PutContractNotesParams{Source: n.SourceName, ContractExternalID: n.ContractExternalID,
				Notes: n.Notes, Tags: n.Tags, NextContact: n.NextContact, Now: n.UpdatedAt})
			if err != nil {
				return fmt.Errorf("notes on contract %s: %w", n.ContractExternalID, err)
			}
		}
		if hasLaptop {
			if err := q.RestoreLaptop(ctx, dbq.RestoreLaptopParams{LaptopID: laptop.LaptopID, Author: laptop.Author}); err != nil {
				return fmt.Errorf("the laptop's id: %w", err)
			}
		}
		for _, e := range edits {
			sid, err := source(e.SourceName, e.Vendor, e.BaseUrl)
			if err != nil {
				return err
			}
			err = q.RestoreOutbox(ctx, dbq.RestoreOutboxParams{
				SourceID: sid, ContractExternalID: e.ContractExternalID, BaseJson: e.BaseJson, NewJson: e.NewJson,
				State: e.State, Message: e.Message, TheirsJson: e.TheirsJson, InflightJson: e.InflightJson, Attempts: e.Attempts,
				CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt, BookKey: e.BookKey, PushedJson: e.PushedJson,
			})
			if err != nil {
				return fmt.Errorf("offline edit %d: %w", e.ID, err)
			}
		}
		return nil
	})
	if err != nil {
		return res, err
	}
	res.Edits, res.Notes = len(edits), len(notes)
	return res, nil
}

// salvageOffers reads the offers one by one when they cannot be read
// together, keeping those whose pages are sound.
func salvageOffers(ctx context.Context, old *Store, listErr error) ([]offer.Offer, []string) {
	ids, err := old.rq.SalvageOfferIDs(ctx)
	if err != nil {
		return nil, []string{fmt.Sprintf("the offers: %v", firstLine(listErr.Error()))}
	}
	var out []offer.Offer
	var lost []string
	for _, id := range ids {
		o, err := old.Offer(ctx, id)
		if err != nil {
			lost = append(lost, fmt.Sprintf("offer %d: %v", id, firstLine(err.Error())))
			continue
		}
		out = append(out, o)
	}
	return out, lost
}

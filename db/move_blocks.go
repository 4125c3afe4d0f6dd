package db

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"wattfolio/app/series"
	"wattfolio/db/block"
	"wattfolio/db/internal/blockwrite"
	"wattfolio/db/internal/legacyq"
)

// movedSeries, when set (by tests), is called after each series moved into
// blocks; an error stops the move as a kill would.
var movedSeries func(done, total int) error

// moveToBlocks moves the readings that schema versions 4 to 6 kept one
// row each into day blocks, one series per transaction: the series' blocks
// are written and its rows deleted together, so the rows still in
// reading_chunks are exactly what is left to move, and a move killed
// halfway goes on from there at the next Open. The SQL migration runner
// cannot do this: it runs every migration in one transaction with no Go in
// between, and a large cache would hold the write lock for the whole move.
func (s *Store) moveToBlocks(ctx context.Context) error {
	pending, err := legacyq.New(s.w).UnmovedSeries(ctx)
	if err != nil || len(pending) == 0 {
		return err
	}
	slog.Info("cache: moving readings into day blocks", "path", s.path, "series", len(pending))
	t0 := time.Now()
	logged := t0
	for i, u := range pending {
		loc, err := series.LoadZone(u.Zone)
		if err != nil {
			return err
		}
		err = s.moveSeries(ctx, u.SeriesID, loc)
		if err != nil {
			return fmt.Errorf("move series %d into blocks: %w", u.SeriesID, err)
		}
		if time.Since(logged) >= 2*time.Second {
			slog.Info("cache: still moving readings into day blocks", "path", s.path, "done", i+1, "of", len(pending))
			logged = time.Now()
		}
		if movedSeries != nil {
			if err := movedSeries(i+1, len(pending)); err != nil {
				return err
			}
		}
	}
	slog.Info("cache: readings moved into day blocks", "series", len(pending), "took", time.Since(t0).Round(time.Millisecond))
	return nil
}

// moveSeries writes one series' rows as blocks and deletes them, in one
// transaction.
func (s *Store) moveSeries(ctx context.Context, sid int64, loc *time.Location) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	lq := legacyq.New(tx)
	rs, err := unmovedReadings(ctx, lq, sid)
	if err != nil {
		return err
	}
	if err := blockwrite.New(&cacheTx{q: s.wq.WithTx(tx)}, compressBlocks, nil).Write(ctx, sid, loc, rs); err != nil {
		return err
	}
	if err := lq.DeleteUnmovedReadings(ctx, sid); err != nil {
		return err
	}
	if err := lq.DeleteUnmovedChunks(ctx, sid); err != nil {
		return err
	}
	return tx.Commit()
}

// unmovedReadings reads a series' rows, a page at a time.
func unmovedReadings(ctx context.Context, q *legacyq.Queries, sid int64) ([]block.Reading, error) {
	const page = 8192
	var rs []block.Reading
	var from int64 = -1 << 62
	for {
		rows, err := q.UnmovedReadings(ctx, legacyq.UnmovedReadingsParams{SeriesID: sid, FromTs: from, Lim: page})
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			rs = append(rs, block.Reading{
				TS: r.Ts, Value: r.Value, Tax: r.Tax, Mask: uint8(r.Parts),
				Parts: [block.Parts]int64{r.AuctionE6, r.LeviesE6, r.SourceFeeE6, r.GridFeeE6, r.MarginE6},
			})
		}
		if len(rows) < page {
			return rs, nil
		}
		from = rows[len(rows)-1].Ts + 1
	}
}

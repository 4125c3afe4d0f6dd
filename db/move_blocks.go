package db

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"wattfolio/app/series"
	"wattfolio/db/block"
	"wattfolio/db/internal/dbq"
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
	pending, err := s.wq.UnmovedSeries(ctx)
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
		err = s.inTx(ctx, func(q *dbq.Queries) error {
			rs, err := unmovedReadings(ctx, q, u.SeriesID)
			if err != nil {
				return err
			}
			if err := newBlockWriter(q).write(ctx, u.SeriesID, loc, rs); err != nil {
				return err
			}
			if err := q.DeleteUnmovedReadings(ctx, u.SeriesID); err != nil {
				return err
			}
			return q.DeleteUnmovedChunks(ctx, u.SeriesID)
		})
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

// unmovedReadings reads a series' rows, a page at a time.
func unmovedReadings(ctx context.Context, q *dbq.Queries, sid int64) ([]block.Reading, error) {
	const page = 8192
	var rs []block.Reading
	var from int64 = -1 << 62
	for {
		rows, err := q.UnmovedReadings(ctx, dbq.UnmovedReadingsParams{SeriesID: sid, FromTs: from, Lim: page})
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

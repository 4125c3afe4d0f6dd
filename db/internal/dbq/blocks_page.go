package dbq

// Written by hand beside sqlc's code (sqlc leaves files it did not write
// alone): the read path's one statement, BlocksOfSeries of
// queries/readings.sql, read into reused memory. sqlc's method copies each
// block twice (the driver's copy, then database/sql's into the row's
// []byte) and grows a slice of rows per page; a meter-year is 365 blocks,
// and these allocations were half of what reading one cost.

import (
	"context"
	"database/sql"
	"fmt"
)

// BlocksPage holds the blocks of one page of BlocksOfSeries in one buffer,
// reused from page to page. The zero value is ready.
type BlocksPage struct {
	// Starts are the blocks' span starts, in order.
	Starts []int64
	ends   []int
	buf    []byte
}

// Len is the number of blocks in the page.
func (p *BlocksPage) Len() int { return len(p.Starts) }

// Data is block i's bytes, valid until the page is read again.
func (p *BlocksPage) Data(i int) []byte {
	from := 0
	if i > 0 {
		from = p.ends[i-1]
	}
	return p.buf[from:p.ends[i]:p.ends[i]]
}

// BlocksOfSeriesPage reads the rows of BlocksOfSeries into p, replacing
// what it held. The statement is done when it returns, so the caller may
// take its time over the page.
func (q *Queries) BlocksOfSeriesPage(ctx context.Context, arg BlocksOfSeriesParams, p *BlocksPage) error {
	p.Starts, p.ends, p.buf = p.Starts[:0], p.ends[:0], p.buf[:0]
	rows, err := q.query(ctx, q.blocksOfSeriesStmt, blocksOfSeries,
		arg.SeriesID,
		arg.FromStart,
		arg.ToStart,
		arg.Lim,
	)
	if err != nil {
		return err
	}
	defer rows.Close()
	// Scanned into any, not int64: database/sql assigns an int64 to an
	// *int64 by reflection.
	var start any
	var data sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&start, &data); err != nil {
			return err
		}
		s, ok := start.(int64)
		if !ok {
			return fmt.Errorf("BlocksOfSeries: span_start %T", start)
		}
		p.Starts = append(p.Starts, s)
		p.buf = append(p.buf, data...)
		p.ends = append(p.ends, len(p.buf))
	}
	if err := rows.Close(); err != nil {
		return err
	}
	return rows.Err()
}

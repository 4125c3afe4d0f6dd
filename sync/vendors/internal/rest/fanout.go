package rest

import (
	"context"

	"golang.org/x/sync/errgroup"
)

// Each calls fn for every i in [0, n), at most limit at a time. The first
// error fn returns cancels the context the others run with (a rejected key
// fails every other request too) and is what Each returns; no fn starts
// after it.
func Each(ctx context.Context, n, limit int, fn func(ctx context.Context, i int) error) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(limit, 1))
	for i := range n {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			if gctx.Err() != nil {
				return nil
			}
			return fn(gctx, i)
		})
	}
	return g.Wait()
}

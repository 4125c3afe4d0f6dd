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

// Ordered fetches items 0..n-1, at most limit ahead of the one being
// delivered, and hands them to deliver in order as soon as each is ready,
// so that a slow item never holds back the ones before it and pages are
// stored while later ones are fetched. The first error of fetch (the whole
// source must stop) cancels every other fetch and is returned, before any
// error of deliver, which also stops the fetches.
func Ordered[T any](parent context.Context, n, limit int, fetch func(ctx context.Context, i int) (T, error), deliver func(i int, v T) error) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	g, gctx := errgroup.WithContext(ctx)
	ready := make([]chan T, n)
	for i := range ready {
		ready[i] = make(chan T, 1)
	}
	ahead := make(chan struct{}, max(limit, 1))
	g.Go(func() error {
		for i := range n {
			select {
			case ahead <- struct{}{}:
			case <-gctx.Done():
				return nil
			}
			g.Go(func() error {
				v, err := fetch(gctx, i)
				if err != nil {
					return err
				}
				ready[i] <- v
				return nil
			})
		}
		return nil
	})
	delivered := 0
	var derr error
deliver:
	for i := range n {
		select {
		case v := <-ready[i]:
			<-ahead
			if derr = deliver(i, v); derr != nil {
				break deliver
			}
			delivered++
		case <-gctx.Done():
			break deliver
		}
	}
	cancel()
	if err := g.Wait(); err != nil && delivered < n {
		return err
	}
	if derr == nil && delivered < n {
		return context.Cause(parent) // the caller's context ended
	}
	return derr
}

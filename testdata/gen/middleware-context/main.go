// middleware-context: a tracing middleware gives every request a context built on
// context.Background() (to carry a trace id) instead of on r.Context(). The price
// handler does everything right: it starts its watcher with r.Context() and the
// watcher selects on ctx.Done(). But that context is the middleware's, which nothing
// ever cancels, so every finished request leaves its watcher in "select". The code to
// change is the middleware: in a dump, the *http.Request pointer changes at its frame
// (it calls the handler with r.WithContext(ctx)). Three long-poll requests are still in
// flight when the dump is written, so their stacks show that frame.
// The service is internal/pricefeed; healthy_middleware is its healthy twin.
package main

import "gomedic.test/gen/internal/pricefeed"

func main() { pricefeed.Run(true) }

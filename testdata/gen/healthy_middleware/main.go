// healthy_middleware: the twin of middleware-context. The same tracing middleware
// replaces the request (r.WithContext) but derives its context from r.Context(), so the
// watcher of every finished request is cancelled with it: only the three long polls in
// flight remain, each with its handler, watcher and connection goroutines.
package main

import "gomedic.test/gen/internal/pricefeed"

func main() { pricefeed.Run(false) }

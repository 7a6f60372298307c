// Package synctest holds tests that run inside testing/synctest bubbles and
// leave the output Go 1.26 writes for them: a goroutine dump taken inside a
// bubble (durable wait reasons, ", synctest bubble N") and the two bubble
// deadlock panics. See bubble_test.go; regen.sh runs them.
package synctest

package main

import "testing"

// TestCheckout panics (an order with no items): `go test` prints the panic with the
// test's goroutine, whose stack runs through testing.tRunner.
func TestCheckout(t *testing.T) {
	h := &Handler{orders: map[string]*Order{"empty": {}}}
	if h.firstItem("empty") == "" {
		t.Fatal("no first item")
	}
}

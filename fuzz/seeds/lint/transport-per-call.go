// transport-per-call: every fetch builds a client with its own Transport.
package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
)

func fetch(url string) (int, error) {
	c := &http.Client{Transport: &http.Transport{}} // want: http-transport-per-request
	resp, err := c.Get(url)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	return int(n), err
}

func main() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	}))
	defer srv.Close()
	fmt.Println(fetch(srv.URL))
}

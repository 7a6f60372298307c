// transport-per-call, fixed: one client, made once, shared by every fetch.
package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
)

var client = &http.Client{Transport: &http.Transport{}}

func fetch(url string) (int, error) {
	resp, err := client.Get(url)
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

// body-close-skipped: Check closes the body at the end, but returns early on a bad status
// without closing it.
package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
)

func Check(client *http.Client, url string) (string, error) {
	resp, err := client.Get(url)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("status %d", resp.StatusCode) // want: http-client-body-leak
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	return string(b), err
}

func main() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no", http.StatusTeapot)
	}))
	defer srv.Close()
	fmt.Println(Check(srv.Client(), srv.URL))
}

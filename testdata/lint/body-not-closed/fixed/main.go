// body-not-closed, fixed: the body is drained and closed.
package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
)

type StatusClient struct {
	base   string
	client *http.Client
}

func (c *StatusClient) Check(path string) (int, error) {
	resp, err := c.client.Get(c.base + path)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

func main() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	}))
	defer srv.Close()
	c := &StatusClient{base: srv.URL, client: srv.Client()}
	fmt.Println(c.Check("/"))
}

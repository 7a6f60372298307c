// body-not-closed: Check reads the status and drops the response unclosed.
package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
)

type StatusClient struct {
	base   string
	client *http.Client
}

func (c *StatusClient) Check(path string) (int, error) {
	resp, err := c.client.Get(c.base + path) // want: http-client-body-leak
	if err != nil {
		return 0, err
	}
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

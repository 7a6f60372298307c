diff testdata/goroutine/y_healthy_http.txt testdata/goroutine/y_http-server-idle-conns.txt

package main

import (
	"net/http"

	"example.com/api/internal/server"
)

func main() {
	_ = server.New()
	_ = http.ListenAndServe
}

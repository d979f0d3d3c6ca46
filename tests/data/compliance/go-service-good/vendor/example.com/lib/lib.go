package lib

import "net/http"

func Register(mux *http.ServeMux) { mux.HandleFunc("GET /vendored", nil) }

const DefaultPort = 1234

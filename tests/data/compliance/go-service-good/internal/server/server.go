package server

import "net/http"

type Server struct{ mux *http.ServeMux }

func (s *Server) route(pattern string, h http.HandlerFunc) { s.mux.HandleFunc(pattern, h) }

func New() *Server {
	s := &Server{mux: http.NewServeMux()}
	s.route("GET /healthz", ok)
	s.route("GET /readyz", ok)
	s.mux.Handle("/metrics", http.HandlerFunc(ok))
	s.route("POST /api/v1/items", ok)
	s.route("GET /api/v1/items/{id}", ok)
	s.mux.HandleFunc("GET /static/", ok)
	// s.route("GET /old-health", ok)
	return s
}

func ok(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) }

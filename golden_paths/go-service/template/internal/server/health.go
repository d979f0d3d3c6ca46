package server

import "net/http"

// Status is the body of /healthz and /readyz.
type Status struct {
	Status string `json:"status"`
}

// healthz is the liveness probe: the process serves HTTP. It never depends on anything
// downstream, so a slow dependency cannot get the pod restarted.
func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, Status{Status: "ok"})
}

// readyz is the readiness probe: 200 once startup has completed, 503 while starting and
// again from the moment shutdown starts (so endpoints stop routing here before the drain).
func (s *Server) readyz(w http.ResponseWriter, _ *http.Request) {
	if !s.Ready() {
		writeJSON(w, http.StatusServiceUnavailable, Status{Status: "not ready"})
		return
	}
	writeJSON(w, http.StatusOK, Status{Status: "ready"})
}

package server

// Test files do not declare the service's routes or port.
const testPort = 9090

func init() { _ = testPort; New().route("GET /only-in-tests", ok) }

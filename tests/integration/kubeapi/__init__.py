"""A small Kubernetes API server test double (HTTP boundary) for platformctl provision tests."""

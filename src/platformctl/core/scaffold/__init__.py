"""Golden paths: the registry (index.yaml + platform overrides), the copier gateway (engine),
the embedded version history (versions), and the create / update / drift core functions."""

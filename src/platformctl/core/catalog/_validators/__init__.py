"""Pregenerated fastjsonschema gates of the built-in catalog schemas (scripts/generate_schema_validators.py)."""

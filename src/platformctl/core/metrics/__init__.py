"""DORA's four keys (and rework rate) computed from plain records.

``model`` holds the records (commits, deployments, incidents) and results; ``dora`` computes
them (pure: records in, results out); ``bands`` classifies values against the published DORA
benchmarks; ``readers`` turn deployment and incident files into records; ``report`` turns a
result into the shared report document (core/reports.py) that every output format writes.
"""

"""DORA's four keys (and rework rate) computed from plain records.

``model`` holds the records (commits, deployments, incidents) and results; ``dora`` computes
them (pure: records in, results out); ``bands`` classifies values against the published DORA
benchmarks; ``teams`` maps catalog owners to teams; ``readers`` turn deployment and incident
files into records; ``collect`` gathers the records of one run (git through core/vcs.py, the
cluster through core/provision/kube.py, the catalog through core/backstage/); ``report``
turns a result into the shared report document (core/reports.py) that every format writes.
"""

"""Cost: price tables (``prices.yaml``), estimates of claims, budgets and showback reports.

Monthly cost follows infracost's convention: hourly prices x 730 hours, plus usage quantities
(GB-months, ...) x unit prices.  Nothing here needs a cluster; the report's cluster reader goes
through the kube gateway (``core/provision/kube.py``).
"""

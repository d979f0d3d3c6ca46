"""Developer-experience insights (issue 14), plain data in and out:

- ``survey``: the survey template, reading form-tool exports, NPS and per-category analysis
- ``survey_report``: a survey result -> ReportDoc (core/reports.py writes every format)
- ``people``: developers asked, as the members of Backstage catalog Groups
- ``maturity``: the maturity questionnaire, proposals from evidence, levels and history
- ``evidence``: what repositories (a folder or the fleet inventory), their check scores and
  claims, and DORA files show, for the proposals
- ``maturity_report``: an assessment -> ReportDoc and the radar chart
- ``dashboard``: the Grafana dashboard model and the metric names its PromQL queries read
"""

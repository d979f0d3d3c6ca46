"""Developer-experience insights (issue 14), plain data in and out:

- ``survey``: the survey template, reading form-tool exports, NPS and per-category analysis
- ``survey_report``: a survey result -> ReportDoc (core/reports.py writes every format)
- ``people``: developers asked, as the members of Backstage catalog Groups
- ``maturity``: the maturity questionnaire, evidence from repositories, levels and history
- ``maturity_report``: an assessment -> ReportDoc and the radar chart
- ``dashboard``: the Grafana dashboard model and the metric names its PromQL queries read
"""

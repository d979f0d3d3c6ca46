"""Developer-experience insights (issue 14), plain data in and out:

- ``survey``: the survey template, reading form-tool exports, NPS and per-category analysis
- ``survey_report``: a survey result -> ReportDoc (core/reports.py writes every format)
"""

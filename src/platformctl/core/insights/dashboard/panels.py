"""``build``: the platform dashboard's rows and panels, each query reading only metric names
platformctl writes (docs/reference/metrics.md)."""

from __future__ import annotations

from typing import Any

from platformctl.core.insights.dashboard.layout import (
    REPO,
    SCHEMA_VERSION,
    SERVICE,
    TEAM,
    UID,
    _Layout,
    _panel,
    _variable,
)


def build(*, title: str = "Platform") -> dict[str, Any]:
    """The dashboard as Grafana's JSON model."""
    grid = _Layout()
    repos = f"count(count by (repository) (platform_check_score_ratio{{{REPO}}}))"

    grid.row("Adoption")
    grid.add(_panel("stat", "Repositories checked", [(repos, "repositories")],
                    description="Repositories reporting platformctl check results."), 6, 5)
    grid.add(
        _panel(
            "stat",
            "On a golden path",
            [(f"count(platform_golden_path_info{{{REPO}}}) / {repos}", "share")],
            unit="percentunit",
            description="Share of checked repositories created from a golden path.",
        ),
        6,
        5,
    )
    grid.add(
        _panel(
            "bargauge",
            "Repositories per golden path and version",
            [(f"count by (golden_path, version) (platform_golden_path_info{{{REPO}}})",
              "{{golden_path}} {{version}}")],
            instant=False,
            options={"orientation": "horizontal", "displayMode": "basic"},
        ),
        12,
        5,
    )

    grid.row("Golden-path compliance")
    grid.add(
        _panel(
            "timeseries",
            "Mean score per scorecard",
            [(f"avg by (scorecard) (platform_check_score_ratio{{{REPO}}})", "{{scorecard}}")],
            unit="percentunit",
            minimum=0,
            maximum=1,
        ),
        12,
        8,
    )
    grid.add(
        _panel(
            "bargauge",
            "Compliant repositories per scorecard",
            [(f"sum by (scorecard) (platform_check_compliant{{{REPO}}}) / "
              f"count by (scorecard) (platform_check_compliant{{{REPO}}})", "{{scorecard}}")],
            unit="percentunit",
            minimum=0,
            maximum=1,
            options={"orientation": "horizontal", "displayMode": "gradient"},
        ),
        12,
        8,
    )
    grid.add(
        _panel(
            "table",
            "Failing rules",
            [(f"count by (rule, severity) (platform_check_rule_passed{{{REPO}}} == 0)",
              "{{rule}}")],
            instant=True,
            description="Repositories failing each rule.",
        ),
        12,
        8,
    )
    grid.add(
        _panel(
            "table",
            "Levels reached",
            [(f"count by (scorecard, level) (platform_check_level_info{{{REPO}}})",
              "{{scorecard}} {{level}}")],
            instant=True,
        ),
        12,
        8,
    )

    grid.row("Fleet")
    grid.add(
        _panel(
            "stat",
            "Fleet",
            [("max(platform_fleet_repositories)", "analysed"),
             ("max(platform_fleet_repositories_failed)", "could not be read")],
            description="Repositories of the fleet inventory in the last fleet status/check run.",
        ),
        6,
        5,
    )
    grid.add(
        _panel(
            "gauge",
            "Fleet on a golden path",
            [("max(platform_fleet_golden_path_adoption_ratio)", "adoption")],
            unit="percentunit",
            minimum=0,
            maximum=1,
        ),
        6,
        5,
    )
    grid.add(
        _panel(
            "bargauge",
            "Fleet repositories per golden path and version",
            [("max by (golden_path, version) (platform_fleet_golden_path_repositories)",
              "{{golden_path}} {{version}}")],
            options={"orientation": "horizontal", "displayMode": "basic"},
        ),
        12,
        5,
    )
    grid.add(
        _panel(
            "table",
            "Versions behind the latest golden path",
            [(f"max by (repository, team, golden_path) "
              f"(platform_fleet_repository_versions_behind{{{REPO},{TEAM}}}) > 0",
              "{{repository}}")],
            instant=True,
            description="Repositories on an older golden-path version (platformctl fleet update "
            "brings them up to date).",
        ),
        12,
        8,
    )
    grid.add(
        _panel(
            "timeseries",
            "Fleet mean score per scorecard",
            [(f"avg by (scorecard) (platform_fleet_repository_score_ratio{{{REPO},{TEAM}}})",
              "{{scorecard}}")],
            unit="percentunit",
            minimum=0,
            maximum=1,
        ),
        12,
        8,
    )
    grid.add(
        _panel(
            "table",
            "Failing rules per repository",
            [(f"max by (repository, team) "
              f"(platform_fleet_repository_failing_rules{{{REPO},{TEAM}}}) > 0",
              "{{repository}}")],
            instant=True,
        ),
        8,
        8,
    )
    grid.add(
        _panel(
            "bargauge",
            "Rules failing in most repositories",
            [("max by (rule) (platform_fleet_rule_failing_repositories)", "{{rule}}")],
            options={"orientation": "horizontal", "displayMode": "gradient"},
        ),
        8,
        8,
    )
    grid.add(
        _panel(
            "table",
            "Days since the last commit",
            [(f"(time() - max by (repository, team) "
              f"(platform_fleet_repository_last_commit_timestamp_seconds{{{REPO},{TEAM}}})) "
              "/ 86400", "{{repository}}")],
            instant=True,
            decimals=0,
            description="Age of each repository's default-branch head: dormant repositories "
            "drift from the golden path.",
        ),
        8,
        8,
    )
    grid.add(
        _panel(
            "bargauge",
            "Last fleet update run",
            [("max by (result) (platform_fleet_update_repositories)", "{{result}}")],
            options={"orientation": "horizontal", "displayMode": "basic"},
            description="Repositories per result of the last platformctl fleet update.",
        ),
        24,
        5,
    )

    grid.row("Self-service requests")
    grid.add(
        _panel("stat", "Claims", [(f"sum(platform_claims{{{TEAM}}})", "claims")],
               description="Infrastructure claims (self-service requests) from platformctl "
               "cost report."),
        6,
        5,
    )
    grid.add(
        _panel(
            "gauge",
            "Requested through platformctl provision",
            [(f'sum(platform_claims{{{TEAM},requested_with="platformctl"}}) / '
              f"sum(platform_claims{{{TEAM}}})", "share")],
            unit="percentunit",
            minimum=0,
            maximum=1,
            description="Share of claims built by platformctl provision rather than written by "
            "hand.",
        ),
        6,
        5,
    )
    grid.add(
        _panel(
            "bargauge",
            "Claims per team and how they were requested",
            [(f"sum by (team, requested_with) (platform_claims{{{TEAM}}})",
              "{{team}} ({{requested_with}})")],
            options={"orientation": "horizontal", "displayMode": "basic"},
        ),
        12,
        5,
    )
    grid.add(
        _panel(
            "bargauge",
            "Claims per claim type",
            [(f"sum by (claim_type) (platform_claims{{{TEAM}}})", "{{claim_type}}")],
            options={"orientation": "horizontal", "displayMode": "basic"},
        ),
        24,
        5,
    )

    grid.row("Cost")
    grid.add(
        _panel(
            "stat",
            "Monthly cost of claims",
            [(f"sum by (currency) (platform_claim_monthly_cost{{{TEAM}}})", "{{currency}}")],
            decimals=2,
        ),
        6,
        6,
    )
    grid.add(
        _panel("stat", "Unpriced claims", [("max(platform_unpriced_claims)", "claims")],
               description="Claims that could not be priced: left out of the totals."),
        6,
        6,
    )
    grid.add(
        _panel(
            "bargauge",
            "Budget used per team",
            [(f"sum by (team, currency) (platform_claim_monthly_cost{{{TEAM}}}) / on (team, "
              f"currency) max by (team, currency) (platform_team_monthly_budget{{{TEAM}}})",
              "{{team}}")],
            unit="percentunit",
            minimum=0,
            maximum=1,
            options={"orientation": "horizontal", "displayMode": "gradient"},
            description="Monthly cost of each team's claims / its budget (cost.budgets).",
        ),
        12,
        6,
    )
    grid.add(
        _panel(
            "bargauge",
            "Monthly cost per system",
            [(f"sum by (system, currency) (platform_claim_monthly_cost{{{TEAM}}})",
              "{{system}} ({{currency}})")],
            decimals=2,
            options={"orientation": "horizontal", "displayMode": "basic"},
        ),
        24,
        6,
    )

    grid.row("DORA keys")
    grid.add(
        _panel("stat", "Deployment frequency",
               [(f"sum(platform_dora_deployment_frequency{{{SERVICE}}})", "per day")],
               decimals=2, description="Successful production deployments per day."),
        4, 5,
    )
    grid.add(
        _panel("stat", "Lead time (median)",
               [(f'max(platform_dora_lead_time_seconds{{{SERVICE},quantile="0.5"}})',
                 "median")], unit="s"),
        5, 5,
    )
    grid.add(
        _panel("stat", "Change failure rate",
               [(f"max(platform_dora_change_failure_ratio{{{SERVICE}}})", "rate")],
               unit="percentunit"),
        5, 5,
    )
    grid.add(
        _panel("stat", "Recovery time (median)",
               [(f'max(platform_dora_recovery_time_seconds{{{SERVICE},quantile="0.5"}})',
                 "median")], unit="s"),
        5, 5,
    )
    grid.add(
        _panel("stat", "Rework rate",
               [(f"max(platform_dora_rework_ratio{{{SERVICE}}})", "rate")],
               unit="percentunit"),
        5, 5,
    )
    grid.add(
        _panel(
            "timeseries",
            "Deployments and deploy days in the report window",
            [(f"sum(platform_dora_deployments{{{SERVICE}}})", "deployments"),
             (f"sum(platform_dora_deploy_days{{{SERVICE}}})", "deploy days")],
        ),
        12,
        8,
    )
    grid.add(
        _panel(
            "table",
            "DORA performance bands",
            [(f"max by (service, team, metric, band) (platform_dora_band_info{{{SERVICE}}})",
              "{{metric}} {{band}}")],
            instant=True,
        ),
        12,
        8,
    )

    grid.row("Developer experience")
    grid.add(
        _panel("stat", "Developer NPS", [("platform_developer_nps_score", "NPS")],
               minimum=-100, maximum=100, decimals=0),
        6, 6,
    )
    grid.add(
        _panel(
            "stat",
            "Survey responses",
            [("platform_survey_responses_total", "respondents"),
             ("platform_developer_nps_respondents_total", "NPS answers"),
             ("platform_survey_response_ratio", "response rate")],
        ),
        6,
        6,
    )
    grid.add(
        _panel("timeseries", "NPS over time", [("platform_developer_nps_score", "NPS")],
               minimum=-100, maximum=100),
        12,
        6,
    )
    grid.add(
        _panel(
            "bargauge",
            "Satisfaction per category (1-5)",
            [("platform_satisfaction_score", "{{category}}")],
            minimum=1,
            maximum=5,
            decimals=2,
            options={"orientation": "horizontal", "displayMode": "gradient"},
        ),
        12,
        8,
    )
    grid.add(
        _panel(
            "bargauge",
            "Maturity per aspect (1 provisional - 4 optimizing)",
            [("platform_maturity_level", "{{aspect}}")],
            minimum=0,
            maximum=4,
            decimals=0,
            options={"orientation": "horizontal", "displayMode": "basic"},
        ),
        12,
        8,
    )
    return {
        "annotations": {"list": []},
        "editable": True,
        "fiscalYearStartMonth": 0,
        "graphTooltip": 1,
        "links": [],
        "panels": grid.panels,
        "refresh": "",
        "schemaVersion": SCHEMA_VERSION,
        "tags": ["platform", "platformctl"],
        "templating": {
            "list": [
                {
                    "name": "datasource",
                    "label": "Prometheus",
                    "type": "datasource",
                    "query": "prometheus",
                    "hide": 0,
                    "refresh": 1,
                },
                _variable("repository", "Repository", "platform_check_score_ratio"),
                _variable("service", "Service", "platform_dora_deployments"),
                _variable("team", "Team", "platform_claims"),
            ]
        },
        "time": {"from": "now-90d", "to": "now"},
        "timepicker": {},
        "timezone": "utc",
        "title": title,
        "uid": UID,
        "version": 1,
        "weekStart": "",
    }

"""Deployment and incident readers: each source format, and bad input with file:line."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from platformctl.core.errors import InputFileError
from platformctl.core.metrics.readers import parse_deployments, parse_incidents


def dt(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def deployments(text: str, name: str = "d.json", **kw):
    return parse_deployments(text, name, default_service="repo", **kw)


def test_devlake_json_list_snake_and_camel_case():
    text = json.dumps(
        [
            {"id": "a", "commit_sha": "aaa", "start_time": "2026-01-05T10:00:00Z",
             "end_time": "2026-01-05T10:30:00+01:00", "result": "SUCCESS",
             "environment": "PRODUCTION"},
            {"displayTitle": "multi", "result": "FAILURE", "environment": "STAGING",
             "startedDate": "2026-01-06T10:00:00Z", "finishedDate": "2026-01-06 11:00:00",
             "deploymentCommits": [{"commitSha": "bbb"}, {"commitSha": "ccc"}]},
        ],
        indent=2,
    )
    records = deployments(text)
    assert records.kind == "devlake"
    a, b = records.deployments
    assert (a.id, a.shas, a.result, a.service) == ("a", ("aaa",), "success", "repo")
    assert a.finished == dt("2026-01-05T09:30:00")  # +01:00 converted to UTC
    assert b.shas == ("bbb", "ccc")
    assert b.finished == dt("2026-01-06T11:00:00")  # no offset: UTC
    assert (b.result, b.environment, b.title) == ("failure", "STAGING", "multi")
    assert b.id == "d.json:10" and b.source == "d.json:10"  # line of the record in the list


def test_devlake_jsonl_and_csv():
    jsonl = (
        '{"commit_sha": "a1", "end_time": "2026-01-05T10:00:00Z", "service": "api"}\n\n'
        '{"commit_sha": "a2", "start_time": "2026-01-06T10:00:00Z"}\n'
    )
    first, second = deployments(jsonl, "d.jsonl").deployments
    assert (first.service, first.source, second.source) == ("api", "d.jsonl:1", "d.jsonl:3")
    assert second.finished == dt("2026-01-06T10:00:00")  # start time when there is no end
    csv_text = (
        "id,commit_sha,start_time,end_time,result,environment,deployment_commits\n"
        "x,c1,2026-01-05T10:00:00Z,2026-01-05T10:05:00Z,success,prod,c2;c3\n"
    )
    (row,) = deployments(csv_text, "d.csv").deployments
    assert (row.id, row.shas, row.environment) == ("x", ("c1", "c2", "c3"), "prod")


def test_github_deployments_export_uses_the_final_status():
    export = [
        {"id": 1, "sha": "s1", "environment": "production", "created_at": "2026-01-05T10:00:00Z",
         "statuses": [{"state": "in_progress", "created_at": "2026-01-05T10:01:00Z"},
                      {"state": "success", "created_at": "2026-01-05T10:09:00Z"}]},
        {"id": 2, "sha": "s2", "environment": "production", "created_at": "2026-01-06T10:00:00Z",
         "statuses": [{"state": "failure", "created_at": "2026-01-06T10:05:00Z"}]},
        {"id": 3, "sha": "s3", "environment": "production", "created_at": "2026-01-07T10:00:00Z",
         "statuses": [{"state": "queued", "created_at": "2026-01-07T10:00:01Z"}]},
    ]
    records = deployments(json.dumps(export))
    assert records.kind == "github"
    ok, failed, pending = records.deployments
    assert (ok.result, ok.finished) == ("success", dt("2026-01-05T10:09:00"))
    assert failed.result == "failure"
    assert pending.result == "pending"


def test_argocd_application_history():
    app = {
        "apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
        "metadata": {"name": "shop-prod"},
        "status": {"history": [
            {"id": 0, "revision": "r0", "deployedAt": "2026-01-05T10:00:00Z",
             "deployStartedAt": "2026-01-05T09:59:00Z"},
            {"id": 1, "revisions": ["r1", "chart"], "deployedAt": "2026-01-06T10:00:00Z"},
        ]},
    }
    records = deployments(json.dumps(app), environment="production")
    assert records.kind == "argocd"
    first, second = records.deployments
    assert (first.id, first.service, first.shas) == ("shop-prod#0", "shop-prod", ("r0",))
    assert second.shas == ("r1", "chart")
    listing = {"kind": "List", "items": [app, {**app, "metadata": {"name": "other"}}]}
    picked = deployments(json.dumps(listing), argocd_app="other").deployments
    assert {d.service for d in picked} == {"other"}


def test_devlake_incidents_skip_other_issue_types():
    text = json.dumps([
        {"issue_key": "I-1", "type": "INCIDENT", "created_date": "2026-01-05T10:00:00Z",
         "resolution_date": "2026-01-05T12:00:00Z", "deployment_id": "d7"},
        {"issue_key": "B-1", "type": "BUG", "created_date": "2026-01-05T10:00:00Z"},
    ])
    records = parse_incidents(text, "i.json")
    (incident,) = records.incidents
    assert (incident.id, incident.deployment_id) == ("I-1", "d7")
    assert incident.resolved == dt("2026-01-05T12:00:00")
    assert records.skipped == [("i.json:1", "type BUG is not INCIDENT")]


def test_pagerduty_json_and_csv():
    export = {"incidents": [
        {"id": "PX1", "incident_number": 7, "title": "api down", "status": "resolved",
         "created_at": "2026-01-05T10:00:00Z", "last_status_change_at": "2026-01-05T10:45:00Z",
         "service": {"id": "S", "summary": "api"}},
        {"id": "PX2", "status": "triggered", "created_at": "2026-01-06T10:00:00Z",
         "service": {"summary": "web"}},
    ]}
    records = parse_incidents(json.dumps(export), "pd.json")
    assert records.kind == "pagerduty"
    first, second = records.incidents
    assert (first.service, first.resolved) == ("api", dt("2026-01-05T10:45:00"))
    assert second.resolved is None
    csv_text = (
        "id,incident_number,description,status,service_name,created_on,resolved_on\n"
        "PX3,8,slow,resolved,api,2026-01-07T10:00:00Z,2026-01-07T11:00:00Z\n"
    )
    (row,) = parse_incidents(csv_text, "pd.csv").incidents
    assert (row.id, row.service, row.title) == ("PX3", "api", "slow")


@pytest.mark.parametrize(
    ("text", "name", "message", "line"),
    [
        ('[\n {"commit_sha": "a", "end_time": "2026-01-05"},\n {"end_time": "2026-01-05"}\n]',
         "d.json", "deployment has no commit_sha", 3),
        ('{"commit_sha": "a", "end_time": "2026-01-05"}\n{"commit_sha": "b", "end_time": "x"}\n',
         "d.jsonl", "end_time 'x' is not a date", 2),
        ('{"commit_sha": "a", "end_time": "2026-01-05"}\n{"commit_sha": \n',
         "d.jsonl", "invalid JSON line", 2),
        ("id,commit_sha,end_time,result\n1,a,2026-01-05,SUCCESS\n2,b,2026-01-06,MAYBE\n",
         "d.csv", "unknown deployment result 'MAYBE'", 3),
        ('[\n {"commit_sha": "a", "end_time": "2026-01-05"},\n {"commit_sha": }\n]',
         "d.json", "invalid JSON", 3),
        ('{"hello": 1}', "d.json", "not a deployments file", 1),
    ],
)
def test_bad_deployment_input_names_file_and_line(text, name, message, line):
    with pytest.raises(InputFileError) as info:
        deployments(text, name)
    assert message in info.value.message
    assert (info.value.position.file, info.value.position.line) == (name, line)


def test_bad_incident_input_names_file_and_line():
    text = '{"issue_key": "I-1", "created_date": "2026-01-05"}\n{"issue_key": "I-2"}\n'
    with pytest.raises(InputFileError) as info:
        parse_incidents(text, "i.jsonl")
    assert str(info.value.position) == "i.jsonl:2"
    assert "I-2 has no created_date" in info.value.message

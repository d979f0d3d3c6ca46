"""Deployment and incident files -> records, one small reader per source.

Each ``parse_*`` function takes the file's text and a display name (pure); ``read_*`` reads a
file and picks the reader from its shape. A malformed record is a ``InputFileError`` (exit 2)
naming ``file:line``.

Deployments: Apache DevLake's deployment webhook records (JSON list, JSONL or CSV; snake_case
or camelCase keys), a GitHub deployments export (the REST API's deployment objects with their
``statuses`` list), an Argo CD ``Application`` (``kubectl get application -o json``: its
``status.history``), or git tags (``deployments_from_tags``).
Incidents: DevLake incident records (JSON list, JSONL or CSV) or a PagerDuty export (the REST
API's ``{"incidents": [...]}`` JSON, or the incidents CSV report).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from platformctl.core.errors import InputFileError
from platformctl.core.metrics.model import FAILURE, SUCCESS, Deployment, Incident

MAX_BYTES = 200 * 1024 * 1024


@dataclass
class Records:
    """What a reader produced, plus what it skipped and why (shown by --explain)."""

    kind: str  # the format it was read as
    deployments: list[Deployment] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (source, reason)


# -- generic records with line numbers -------------------------------------------------------


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def json_records(text: str, name: str) -> tuple[Any, list[tuple[int, Any]] | None]:
    """Decode JSON or JSONL. Returns (document, records-with-lines) where records are the
    elements of a top-level list or the lines of a JSONL file; None for other documents."""
    decoder = json.JSONDecoder()
    stripped = text.lstrip()
    start = len(text) - len(stripped)
    if stripped.startswith("["):
        records: list[tuple[int, Any]] = []
        index = start + 1
        while True:
            while index < len(text) and text[index] in " \t\r\n,":
                index += 1
            if index >= len(text):
                raise InputFileError(
                    "unterminated JSON list", file=name, line=_line_of(text, index)
                )
            if text[index] == "]":
                return [r for _, r in records], records
            try:
                value, end = decoder.raw_decode(text, index)
            except json.JSONDecodeError as exc:
                raise InputFileError(
                    f"invalid JSON: {exc.msg}", file=name, line=exc.lineno, column=exc.colno
                ) from None
            records.append((_line_of(text, index), value))
            index = end
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        if exc.msg != "Extra data":
            raise InputFileError(
                f"invalid JSON: {exc.msg}", file=name, line=exc.lineno, column=exc.colno
            ) from None
    lines: list[tuple[int, Any]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            lines.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            raise InputFileError(
                f"invalid JSON line: {exc.msg}", file=name, line=number, column=exc.colno
            ) from None
    return [r for _, r in lines], lines


def csv_records(text: str, name: str) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise InputFileError("empty CSV file (no header row)", file=name, line=1)
    for row in reader:
        if None in row:
            raise InputFileError(
                "row has more fields than the header", file=name, line=reader.line_num
            )
        yield reader.line_num, {k.strip().lower(): (v or "").strip() for k, v in row.items()}


def _get(record: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        value = record.get(key)
        if value not in (None, ""):
            return value
    return None


def parse_time(value: Any, *, what: str, name: str, line: int | None) -> datetime:
    """ISO 8601 (``Z`` or an offset; no offset means UTC) or unix seconds."""
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return datetime.fromtimestamp(float(value), UTC)
        text = str(value).strip()
        if text.replace(".", "", 1).isdigit():
            return datetime.fromtimestamp(float(text), UTC)
        moment = datetime.fromisoformat(text)
    except (ValueError, OverflowError, OSError):
        raise InputFileError(
            f"{what} {value!r} is not a date and time (ISO 8601 or unix seconds)",
            file=name,
            line=line,
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _object(value: Any, name: str, line: int | None, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InputFileError(
            f"each {what} must be an object, found {type(value).__name__}", file=name, line=line
        )
    return value


# -- deployments -------------------------------------------------------------------------------

RESULTS = {
    "success": SUCCESS,
    "succeeded": SUCCESS,
    "successful": SUCCESS,
    "ok": SUCCESS,
    "failure": FAILURE,
    "failed": FAILURE,
    "fail": FAILURE,
    "error": FAILURE,
    "aborted": FAILURE,
    "abort": FAILURE,
}


def _result(value: Any, name: str, line: int | None) -> str:
    if value is None:
        return SUCCESS  # DevLake's default
    result = RESULTS.get(str(value).strip().lower())
    if result is None:
        raise InputFileError(
            f"unknown deployment result {value!r} (expected SUCCESS or FAILURE)",
            file=name,
            line=line,
        )
    return result


def _devlake_deployment(
    record: dict[str, Any], name: str, line: int, default_service: str
) -> Deployment:
    shas: list[str] = []
    sha = _get(record, "commit_sha", "commitsha", "commitSha")
    if sha:
        shas.append(str(sha).strip())
    commits = _get(record, "deployment_commits", "deploymentCommits")
    if isinstance(commits, str):  # CSV: shas separated by ; or spaces
        shas += [s for s in commits.replace(";", " ").split() if s]
    elif isinstance(commits, list):
        for item in commits:
            item = _object(item, name, line, "deployment_commits entry")
            inner = _get(item, "commit_sha", "commitSha")
            if not inner:
                raise InputFileError(
                    "deployment_commits entry has no commit_sha", file=name, line=line
                )
            shas.append(str(inner).strip())
    elif commits is not None:
        raise InputFileError("deployment_commits must be a list", file=name, line=line)
    if not shas:
        raise InputFileError(
            "deployment has no commit_sha (or deployment_commits)", file=name, line=line
        )
    start = _get(record, "start_time", "started_date", "startedDate", "start_date")
    end = _get(record, "end_time", "finished_date", "finishedDate", "end_date")
    if start is None and end is None:
        raise InputFileError("deployment has neither start_time nor end_time", file=name, line=line)
    started = parse_time(start, what="start_time", name=name, line=line) if start else None
    finished = parse_time(end, what="end_time", name=name, line=line) if end else started
    assert finished is not None
    return Deployment(
        id=str(_get(record, "id", "deployment_id", "deploymentId") or f"{name}:{line}"),
        shas=tuple(dict.fromkeys(shas)),
        finished=finished,
        started=started,
        result=_result(_get(record, "result"), name, line),
        environment=str(_get(record, "environment") or "production"),
        service=str(_get(record, "service", "component") or default_service),
        source=f"{name}:{line}",
        title=str(_get(record, "display_title", "displayTitle", "name") or ""),
    )


def _github_deployment(
    record: dict[str, Any], name: str, line: int | None, default_service: str
) -> Deployment:
    sha = record.get("sha")
    if not sha:
        raise InputFileError("GitHub deployment has no sha", file=name, line=line)
    statuses = record.get("statuses") or []
    if not isinstance(statuses, list):
        raise InputFileError("statuses must be a list", file=name, line=line)
    final = None
    for status in statuses:
        status = _object(status, name, line, "status")
        state = str(status.get("state", "")).lower()
        if state in ("success", "inactive", "failure", "error"):
            when = parse_time(status.get("created_at"), what="created_at", name=name, line=line)
            if final is None or when > final[1]:
                final = (state, when)
    created = parse_time(record.get("created_at"), what="created_at", name=name, line=line)
    payload = record.get("payload") if isinstance(record.get("payload"), dict) else {}
    service = str(payload.get("service") or default_service)  # type: ignore[union-attr]
    if final is None:
        result, finished = "pending", created  # no final status: excluded with that reason
    else:
        result = SUCCESS if final[0] in ("success", "inactive") else FAILURE
        finished = final[1]
    return Deployment(
        id=str(record.get("id") or f"{name}:{line}"),
        shas=(str(sha),),
        finished=finished,
        started=created,
        result=result,
        environment=str(record.get("environment") or "production"),
        service=service,
        source=f"{name}:{line}" if line else name,
        title=str(record.get("description") or record.get("ref") or ""),
    )


def _argocd_deployments(
    app: dict[str, Any], name: str, environment: str, service: str | None
) -> list[Deployment]:
    meta = app.get("metadata") or {}
    app_name = str(meta.get("name") or "application")
    history = (app.get("status") or {}).get("history") or []
    if not isinstance(history, list):
        raise InputFileError(f"Application {app_name}: status.history must be a list", file=name)
    out = []
    for index, entry in enumerate(history):
        where = f"Application {app_name} status.history[{index}]"
        if not isinstance(entry, dict):
            raise InputFileError(f"{where} must be an object", file=name)
        revisions = entry.get("revisions") or ([entry["revision"]] if entry.get("revision") else [])
        if not revisions:
            raise InputFileError(f"{where} has no revision", file=name)
        if not entry.get("deployedAt"):
            raise InputFileError(f"{where} has no deployedAt", file=name)
        finished = parse_time(entry["deployedAt"], what=f"{where}.deployedAt", name=name, line=None)
        started = entry.get("deployStartedAt")
        out.append(
            Deployment(
                id=f"{app_name}#{entry.get('id', index)}",
                shas=tuple(str(r) for r in revisions),
                finished=finished,
                started=parse_time(started, what="deployStartedAt", name=name, line=None)
                if started
                else None,
                result=SUCCESS,  # Argo CD records a history entry only for a completed sync
                environment=environment,
                service=service or app_name,
                source=f"{name}: {where}",
            )
        )
    return out


def argocd_from_document(
    doc: Any, name: str, *, environment: str, service: str | None, app: str | None = None
) -> list[Deployment]:
    """Deployments from an Application (or a List of them, filtered to ``app``)."""
    apps = (doc.get("items") or []) if isinstance(doc, dict) and "items" in doc else [doc]
    selected = [
        a
        for a in apps
        if isinstance(a, dict) and (app is None or (a.get("metadata") or {}).get("name") == app)
    ]
    if app is not None and not selected:
        raise InputFileError(f"no Argo CD Application named {app!r} in the file", file=name)
    out: list[Deployment] = []
    for item in selected:
        out += _argocd_deployments(item, name, environment, service)
    return out


def parse_deployments(
    text: str,
    name: str,
    *,
    default_service: str,
    environment: str = "production",
    argocd_app: str | None = None,
) -> Records:
    if name.lower().endswith(".csv"):
        out = Records("devlake-csv")
        for line, row in csv_records(text, name):
            out.deployments.append(_devlake_deployment(row, name, line, default_service))
        return out
    doc, records = json_records(text, name)
    if isinstance(doc, dict) and (doc.get("kind") in ("Application", "List") or "items" in doc):
        out = Records("argocd")
        out.deployments = argocd_from_document(
            doc, name, environment=environment, service=None, app=argocd_app
        )
        return out
    if isinstance(doc, dict) and isinstance(doc.get("deployments"), list):
        records = [(None, r) for r in doc["deployments"]]  # type: ignore[misc]
    if records is None:
        raise InputFileError(
            "not a deployments file: expected a JSON list or JSONL of deployment records, "
            "a GitHub deployments export or an Argo CD Application",
            file=name,
            line=1,
        )
    github = any(isinstance(r, dict) and "sha" in r and "statuses" in r for _, r in records)
    out = Records("github" if github else "devlake")
    for line, record in records:
        record = _object(record, name, line, "deployment")
        if github:
            out.deployments.append(_github_deployment(record, name, line, default_service))
        else:
            out.deployments.append(_devlake_deployment(record, name, line or 1, default_service))
    return out


def deployments_from_tags(tag_records: list[Any], *, service: str, environment: str) -> Records:
    out = Records("git-tags")
    for tag in tag_records:
        out.deployments.append(
            Deployment(
                id=tag.name,
                shas=(tag.sha,),
                finished=datetime.fromtimestamp(tag.time, UTC),
                result=SUCCESS,
                environment=environment,
                service=service,
                source=f"tag {tag.name}" + ("" if tag.annotated else " (lightweight: commit time)"),
            )
        )
    return out


# -- incidents ---------------------------------------------------------------------------------


def _devlake_incident(record: dict[str, Any], name: str, line: int) -> Incident | str:
    kind = str(_get(record, "type") or "INCIDENT").upper()
    if kind != "INCIDENT":
        return f"type {kind} is not INCIDENT"
    key = _get(record, "issue_key", "issueKey", "id")
    if key is None:
        raise InputFileError("incident has no issue_key", file=name, line=line)
    created = _get(record, "created_date", "createdDate")
    if created is None:
        raise InputFileError(f"incident {key} has no created_date", file=name, line=line)
    resolved = _get(record, "resolution_date", "resolutionDate")
    return Incident(
        id=str(key),
        created=parse_time(created, what="created_date", name=name, line=line),
        resolved=parse_time(resolved, what="resolution_date", name=name, line=line)
        if resolved
        else None,
        source=f"{name}:{line}",
        service=_str(_get(record, "service", "component")),
        deployment_id=_str(_get(record, "deployment_id", "deploymentId")),
        title=str(_get(record, "title") or ""),
    )


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def _pagerduty_incident(record: dict[str, Any], name: str, line: int | None) -> Incident:
    key = _get(record, "id", "incident_number")
    if key is None:
        raise InputFileError("PagerDuty incident has no id", file=name, line=line)
    created = _get(record, "created_at", "created_on")
    if created is None:
        raise InputFileError(f"incident {key} has no created_at", file=name, line=line)
    resolved = _get(record, "resolved_at", "resolved_on")
    status = str(record.get("status") or "").lower()
    if resolved is None and status == "resolved":
        resolved = record.get("last_status_change_at")
    service = record.get("service")
    if isinstance(service, dict):
        service = service.get("summary") or service.get("name")
    service = service or _get(record, "service_name")
    return Incident(
        id=str(key),
        created=parse_time(created, what="created_at", name=name, line=line),
        resolved=parse_time(resolved, what="resolved_at", name=name, line=line)
        if resolved
        else None,
        source=f"{name}:{line}" if line else name,
        service=_str(service),
        deployment_id=_str(_get(record, "deployment_id")),
        title=str(_get(record, "title", "description", "summary") or ""),
    )


def parse_incidents(text: str, name: str) -> Records:
    if name.lower().endswith(".csv"):
        rows = list(csv_records(text, name))
        pagerduty = bool(rows) and "issue_key" not in rows[0][1]
        out = Records("pagerduty-csv" if pagerduty else "devlake-csv")
        for line, row in rows:
            _add_incident(out, row, name, line, pagerduty)
        return out
    doc, records = json_records(text, name)
    pagerduty = False
    if isinstance(doc, dict) and isinstance(doc.get("incidents"), list):
        records, pagerduty = [(None, r) for r in doc["incidents"]], True  # type: ignore[misc]
    if records is None:
        raise InputFileError(
            "not an incidents file: expected a JSON list or JSONL of DevLake incidents or a "
            'PagerDuty export ({"incidents": [...]})',
            file=name,
            line=1,
        )
    if not pagerduty:
        pagerduty = any(
            isinstance(r, dict)
            and "issue_key" not in r
            and ("incident_number" in r or "created_at" in r)
            for _, r in records
        )
    out = Records("pagerduty" if pagerduty else "devlake")
    for line, record in records:
        _add_incident(out, _object(record, name, line, "incident"), name, line, pagerduty)
    return out


def _add_incident(
    out: Records, record: dict[str, Any], name: str, line: int | None, pagerduty: bool
) -> None:
    if pagerduty:
        out.incidents.append(_pagerduty_incident(record, name, line))
        return
    parsed = _devlake_incident(record, name, line or 1)
    if isinstance(parsed, str):
        out.skipped.append((f"{name}:{line}", parsed))
    else:
        out.incidents.append(parsed)


# -- files -------------------------------------------------------------------------------------


def read_text(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise InputFileError(
                f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB", file=str(path)
            )
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputFileError("no such file", file=str(path)) from None
    except UnicodeDecodeError:
        raise InputFileError("not a UTF-8 text file", file=str(path)) from None
    except OSError as exc:
        raise InputFileError(f"cannot read: {exc.strerror or exc}", file=str(path)) from None


def read_deployments(
    path: Path, *, default_service: str, environment: str, argocd_app: str | None = None
) -> Records:
    return parse_deployments(
        read_text(path),
        str(path),
        default_service=default_service,
        environment=environment,
        argocd_app=argocd_app,
    )


def read_incidents(path: Path) -> Records:
    return parse_incidents(read_text(path), str(path))

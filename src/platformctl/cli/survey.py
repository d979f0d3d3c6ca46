"""`platformctl survey template|analyze`: a developer-experience survey and its analysis.
Parses options, calls core.insights.survey, writes the report."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(help="Developer-experience surveys: template and analysis.",
                  no_args_is_help=True)


@app.callback()
def _group() -> None:
    """Developer-experience surveys: a ready template, and NPS and satisfaction from the
    answers."""


def _write(text: str, output: str | None) -> None:
    from platformctl.cli import render
    from platformctl.core.errors import UsageError

    if output and output != "-" and Path(output).is_dir():
        raise UsageError(f"cannot write to {output}: it is a folder")
    try:
        render.emit(text, output)
    except OSError as exc:
        raise UsageError(
            f"cannot write to {output}: {exc.strerror or exc}",
            hint="pass --output a file path in a folder you can write to",
        ) from exc


@app.command("template")
def template(
    template_file: Path = typer.Option(
        None, "--template", help="A survey template of your own to check and print "
        "(default: the embedded one)."
    ),
    fmt: str = typer.Option(
        "yaml", "--format", "-f", help="yaml (the questions and themes) or csv (the header a "
        "form tool imports: timestamp, team, one column per question id)."
    ),
    output: str = typer.Option(None, "--output", "-o", help="Write to FILE."),
) -> None:
    """Write the developer-experience survey: questions with id, text, category and scale
    (nps 0-10, likert 1-5, open_text), and the keyword groups that find themes in open
    answers. Edit a copy and pass it to `survey analyze --template`."""
    from platformctl.core.errors import UsageError
    from platformctl.core.insights import survey

    if fmt == "yaml":
        text = survey.template_text(template_file)
    elif fmt == "csv":
        text = survey.template_csv(survey.load_template(template_file))
    else:
        raise UsageError(f"unknown format {fmt!r}", hint="choose one of: yaml, csv")
    _write(text, output)


@app.command("analyze")
def analyze(
    responses: Path = typer.Argument(
        ..., help="CSV or JSON export: one row (object) per respondent with timestamp, team and "
        "one column per question (ids or the question texts form tools write)."
    ),
    template_file: Path = typer.Option(
        None, "--template", help="The survey template the answers follow (default: embedded)."
    ),
    previous: Path = typer.Option(
        None, "--previous", help="The previous survey's export, to show the change."
    ),
    developers: int = typer.Option(
        None, "--developers", help="How many developers were asked (for the response rate)."
    ),
    developer_groups: list[str] = typer.Option(
        None, "--developers-from-group", metavar="GROUP",
        help="Count the developers asked as the members of this Backstage Group and its child "
        "groups (repeatable; needs backstage.url).",
    ),
    min_team: int = typer.Option(
        5, "--min-team", help="Teams with fewer respondents are merged into 'other'."
    ),
    skip_invalid: bool = typer.Option(
        False, "--skip-invalid", help="Leave out-of-range answers out and list them instead of "
        "stopping."
    ),
    fmt: str = typer.Option(
        "text", "--format", "-f", help="text, json, csv, markdown, prometheus or html."
    ),
    output: str = typer.Option(None, "--output", "-o", help="Write the report to FILE."),
) -> None:
    """NPS with its 95% confidence interval, mean and distribution per category, per-team
    breakdown (small teams merged so no one is identifiable), top themes from open answers,
    response rate and the change against a previous survey.

    Blank answers are skipped and counted. Exit 2 on an answer outside its scale (file:line,
    respondent and column) unless --skip-invalid. The developer count for the response rate
    comes from --developers, or from the members of --developers-from-group in the Backstage
    catalog.
    """
    from platformctl.cli import render
    from platformctl.cli.app import load_config
    from platformctl.core import reports
    from platformctl.core.insights.survey.run import analyze_files
    from platformctl.core.insights.survey_report import build

    reports.check_format(fmt)
    run = analyze_files(
        responses,
        template=template_file,
        previous=previous,
        developers=developers,
        developer_groups=list(developer_groups or []),
        config=load_config,
        min_team=min_team,
        skip_invalid=skip_invalid,
        warn=render.warn,
        info=render.info,
    )
    for warning in run.warnings:
        render.warn(warning)
    result = run.result
    doc = build(result)
    _write(reports.render(doc, fmt), output)
    if output and output != "-":
        render.info(f"wrote {output}: {doc.headline[0]}")

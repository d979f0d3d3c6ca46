"""`platformctl assess`: the platform maturity self-assessment (CNCF model). Parses options,
asks the questions (only on a terminal, through cli/prompts.py), calls core.insights.maturity
and writes the report, the radar chart and the history."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from platformctl.core.insights.maturity import Model, Proposal

app = typer.Typer(
    help="Assess the platform's maturity (CNCF Platform Engineering Maturity Model).",
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

BACK, SKIP = "__back__", "__skip__"

Ask = Callable[[str, Sequence[tuple[str, str]], str | None], str]


def ask_all(
    model: Model,
    answers: dict[str, str],
    proposals: list[Proposal],
    ask: Ask,
    show: Callable[[str], None],
) -> dict[str, str]:
    """One question per aspect not yet answered, with the level descriptions and any proposal;
    "back" returns to the previous question, "skip" leaves the aspect unanswered."""
    by_aspect = {p.aspect: p for p in proposals}
    todo = [a for a in model.aspects if a.id not in answers]
    result = dict(answers)
    index = 0
    while index < len(todo):
        aspect = todo[index]
        show("")
        show(f"{aspect.title} ({index + 1} of {len(todo)}): {aspect.question}")
        proposal = by_aspect.get(aspect.id)
        if proposal:
            show(f"  proposed from the evidence: {proposal.level}")
            for reason in proposal.why:
                show(f"    - {reason}")
        choices = [
            (level, f"{level}: {aspect.levels[level]}") for level in model.levels
        ]
        choices.append((SKIP, "skip this aspect"))
        if index > 0:
            choices.append((BACK, "back to the previous question"))
        default = result.get(aspect.id) or (proposal.level if proposal else None)
        answer = ask(f"{aspect.title}: which level describes your platform?", choices, default)
        if answer == BACK:
            index -= 1
            continue
        if answer == SKIP:
            result.pop(aspect.id, None)
        else:
            result[aspect.id] = answer
        index += 1
    return result


@app.command()
def assess(
    ctx: typer.Context,
    answers_file: Path = typer.Option(
        None, "--answers", help="YAML/JSON file: aspect -> level (name or 1-4). Aspects it "
        "leaves out are asked on a terminal."
    ),
    repos: Path = typer.Option(
        None, "--repos", help="A folder of repository checkouts: evidence that proposes levels "
        "(golden path and version, catalog entry, claims, check scores)."
    ),
    inventory: list[str] = typer.Option(
        [], "--inventory", "-i", metavar="SOURCE", help="The repositories as for platformctl "
        "fleet: a YAML/CSV/text list, a folder of clones, or backstage (repeatable)."
    ),
    no_check: bool = typer.Option(
        False, "--no-check", help="Do not run platformctl check in each repository (no "
        "operations proposal)."
    ),
    deployments: list[Path] = typer.Option(
        [], "--deployments", metavar="FILE", help="DORA evidence: a deployments file as "
        "metrics dora reads it (repeatable)."
    ),
    incidents: list[Path] = typer.Option(
        [], "--incidents", metavar="FILE", help="DORA evidence: an incidents file as metrics "
        "dora reads it (repeatable)."
    ),
    dora_report: list[Path] = typer.Option(
        [], "--dora-report", metavar="FILE", help="DORA evidence: a metrics dora --format json "
        "report (repeatable)."
    ),
    accept_proposed: bool = typer.Option(
        False, "--accept-proposed", help="Take the levels proposed from the evidence for "
        "aspects the answers leave out (no questions for those)."
    ),
    model_file: Path = typer.Option(
        None, "--model", help="The questionnaire (default: the platform's "
        "insights/maturity.yaml, else the embedded CNCF model)."
    ),
    record: Path = typer.Option(
        None, "--record", help="History file (JSON): the report shows the movement since the "
        "last assessment in it, then this one is appended."
    ),
    chart: Path = typer.Option(
        None, "--chart", help="Also write the radar chart to FILE.svg or FILE.png (520x560)."
    ),
    no_input: bool = typer.Option(False, "--no-input", help="Never prompt; missing answers are "
                                  "an error naming them."),
    fmt: str = typer.Option(
        "text", "--format", "-f", help="text, json, csv, markdown, prometheus or html."
    ),
    output: str = typer.Option(None, "--output", "-o", help="Write the report to FILE."),
) -> None:
    """Level per aspect (investment, adoption, interfaces, operations, measurement) at the
    four levels provisional, operational, scalable, optimizing; the overall profile, the gap to
    the next level with next steps, and a radar chart.

    On a terminal each unanswered aspect is asked in turn (back and skip included); with
    --no-input or without a terminal every aspect must come from --answers (or
    --accept-proposed). Exit 2 on missing answers or a malformed file (file:line).
    """
    from platformctl.cli import render
    from platformctl.cli.app import get_context, load_config
    from platformctl.core import charts, reports
    from platformctl.core.errors import UsageError
    from platformctl.core.insights import assessment, maturity
    from platformctl.core.insights.maturity_report import build, radar

    reports.check_format(fmt)
    if chart is not None and chart.suffix.lower() not in (".svg", ".png"):
        raise UsageError(
            f"--chart {chart}: the file name must end in .svg or .png",
            hint="e.g. --chart maturity.png (or --format html: the radar chart is inside)",
        )
    prepared = assessment.prepare(
        load_config(),
        model_file=model_file,
        answers_file=answers_file,
        repos=repos,
        inventory=inventory,
        check=not no_check,
        deployments=deployments,
        incidents=incidents,
        dora_reports=dora_report,
        accept_proposed=accept_proposed,
        record=record,
        cwd=Path.cwd(),
        warn=render.warn,
        info=render.info,
    )
    model, answers, proposals = prepared.model, prepared.answers, prepared.proposals
    evidence, history = prepared.evidence, prepared.history

    interactive = get_context(ctx).interactive and not no_input
    if prepared.missing:
        if interactive:
            from platformctl.cli import prompts

            answers = ask_all(
                model,
                answers,
                proposals or [],
                lambda message, choices, default: prompts.select(
                    message, choices, default=default
                ),
                render.info,
            )
        else:
            left = prepared.missing
            raise UsageError(
                f"missing answers for: {', '.join(left)}",
                hint=f"pass --answers FILE with a level for each (e.g. {left[0]}: operational), "
                "or run on a terminal to be asked",
            )
    result = maturity.assess(
        model, answers, proposals=proposals, history=history, evidence=evidence
    )
    doc = build(result)
    _write(reports.render(doc, fmt), output)
    if chart is not None and result.overall is not None:
        if chart.suffix.lower() == ".png":
            _write_bytes(charts.radar_png(radar(result)), chart)
        else:
            _write(charts.radar_svg(radar(result)), str(chart))
        render.info(f"wrote {chart}")
    elif chart is not None:
        render.warn("no aspect was answered: no radar chart written")
    if record is not None:
        _write(maturity.history_text(history, result), str(record))
        render.info(f"recorded this assessment in {record} ({len(history) + 1} in all)")
    if output and output != "-":
        render.info(f"wrote {output}: {doc.headline[0]}")


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
            hint="pass a file path in a folder you can write to",
        ) from exc


def _write_bytes(data: bytes, path: Path) -> None:
    """A binary file (the PNG chart), whole or not at all: written beside it, then renamed."""
    import os
    import tempfile

    from platformctl.core.errors import UsageError

    if path.is_dir():
        raise UsageError(f"cannot write to {path}: it is a folder")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or Path("."))
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            umask = os.umask(0)  # mkstemp makes 0600; give the chart a normal file's mode
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise UsageError(
            f"cannot write to {path}: {exc.strerror or exc}",
            hint="pass --chart a file path in a folder you can write to",
        ) from exc

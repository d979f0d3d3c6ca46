"""``python -m platformctl`` and the console script: the one error boundary (DESIGN.md §2).

PlatformError -> its exit code, one ``error:`` line and maybe a ``hint:`` line on stderr.
Anything else is a bug: a short message and the path of a log with the traceback and
versions (exit 4).  Ctrl-C -> 130.  Tracebacks only with --debug, never local variables.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import NoReturn


def _debug(argv: list[str]) -> bool:
    return "--debug" in argv or os.environ.get("PLATFORMCTL_DEBUG") == "1"


def _write_crash_log(exc: BaseException) -> str:
    import platform
    import tempfile
    import time
    import traceback

    from platformctl import __version__

    lines = [
        f"platformctl {__version__}",
        f"python {sys.version.split()[0]} on {platform.platform()}",
        f"argv: {' '.join(sys.argv[1:])}",
        f"time: {time.strftime('%Y-%m-%dT%H:%M:%S%z')}",
        "",
        "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
    ]
    fd, path = tempfile.mkstemp(prefix="platformctl-crash-", suffix=".log")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines))
    return path


def _error(message: str, hint: str | None = None) -> None:
    sys.stderr.write(f"error: {message}\n")
    if hint:
        sys.stderr.write(f"hint: {hint}\n")
    sys.stderr.flush()


def run(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code (never raises, except SystemExit from tests)."""
    import click

    from platformctl.cli.app import app
    from platformctl.core.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, PlatformError

    args = list(sys.argv[1:] if argv is None else argv)
    debug = _debug(args)
    try:
        command = __import__("typer").main.get_command(app)
        result = command.main(args=args, prog_name="platformctl", standalone_mode=False)
        code = result if isinstance(result, int) else 0
        if code == EXIT_INTERRUPTED:  # typer turns Ctrl-C into Exit(130), click returns it
            sys.stderr.write("\ninterrupted\n")
        return code
    except PlatformError as exc:
        if debug:
            import traceback

            traceback.print_exc()
        _error(exc.render(), exc.hint)
        return exc.exit_code
    except click.exceptions.Exit as exc:
        if exc.exit_code == EXIT_INTERRUPTED:  # typer turns Ctrl-C into Exit(130)
            sys.stderr.write("\ninterrupted\n")
        return exc.exit_code
    except click.exceptions.Abort:
        sys.stderr.write("\ninterrupted\n")
        return EXIT_INTERRUPTED
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("\ninterrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # Output piped into `head` and closed: not an error of ours.
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return 0
    except Exception as exc:  # noqa: BLE001 - the boundary must catch everything
        if debug:
            import traceback

            traceback.print_exc()
        log = _write_crash_log(exc)
        _error(
            f"internal error: {type(exc).__name__}: {exc}".splitlines()[0][:300],
            f"this is a bug in platformctl; please report it with the log at {log}",
        )
        return EXIT_INTERNAL


def main(argv: list[str] | None = None) -> NoReturn:
    sys.exit(run(argv))


if __name__ == "__main__":
    main()

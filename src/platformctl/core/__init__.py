"""The library behind the CLI: plain values in, dataclasses out, PlatformError on failure.
Never imports typer, click, rich or questionary (enforced by import-linter in nox -s lint)."""

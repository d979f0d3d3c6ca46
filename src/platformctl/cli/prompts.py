"""Interactive prompts: the only module that imports questionary (inside each function).

Only called on a terminal; Ctrl-C raises KeyboardInterrupt (the boundary exits 130).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence


def select(
    message: str, choices: Sequence[tuple[str, str]], *, default: str | None = None
) -> str:
    """Pick one of ``(value, label)``; returns the value. ``default``: the value highlighted
    first."""
    import questionary

    options = [questionary.Choice(title=label, value=value) for value, label in choices]
    initial = next((o for o in options if o.value == default), None)
    answer = questionary.select(message, choices=options, default=initial).unsafe_ask()
    if answer is None:
        raise KeyboardInterrupt
    return str(answer)


def text(message: str, *, validate: Callable[[str], str | None] | None = None) -> str:
    """Ask for a line of text; ``validate`` returns an error message or None."""
    import questionary

    def _check(value: str) -> bool | str:
        if validate is None:
            return True
        problem = validate(value)
        return True if problem is None else problem

    answer = questionary.text(message, validate=_check).unsafe_ask()
    if answer is None:
        raise KeyboardInterrupt
    return str(answer)

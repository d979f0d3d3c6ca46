"""Defaults for the identity answers of a golden path (``owner``, ``system``).

A service's owner and system decide who gets paged and where it shows up in the catalog, so
they never get a placeholder default (a made-up team would silently own everything created
with ``--defaults``).  A default may only come from something true about the user:

* ``defaults.owner`` / ``defaults.system`` in the platform's or the user's configuration
  (``settings: {defaults: {owner: group:default/payments}}``), or
* for ``owner`` only, the user's own identity: ``user:default/<name>`` with ``<name>`` derived
  from ``--author`` or git's ``user.name`` (falling back to the e-mail's local part).

A golden path that sets its own non-empty ``default:`` for the question keeps it; these
defaults fill only questions the template leaves without one (or with ``default: ""``, which
makes the answer optional).  Every suggestion carries where it came from,
so the CLI can say so.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

IDENTITY_QUESTIONS = ("owner", "system")
CONFIG_KEYS = {"owner": "defaults.owner", "system": "defaults.system"}
# What to pass when nothing is known (named in the exit-2 hint).
FLAGS = {
    "owner": "--data owner=group:default/<team>",
    "system": "--data system=<system>",
}
NAME_MAX = 63


@dataclass(frozen=True)
class Suggested:
    """A default for an identity question and where it came from (shown to the user)."""

    question: str
    value: str
    source: str


def entity_name(text: str) -> str:
    """``text`` as a Backstage entity name: lowercase ``[a-z0-9]`` runs joined by ``-``,
    at most 63 characters ('' when nothing usable is left).  "Jürgen O'Neil" -> jurgen-o-neil."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    name = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return name[:NAME_MAX].rstrip("-")


def user_ref(name: str, email: str = "") -> str | None:
    """``user:default/<name>`` for a git identity, or None when neither part gives a name."""
    entity = entity_name(name) or entity_name(email.partition("@")[0])
    return f"user:default/{entity}" if entity else None


def _has_default(details: Any) -> bool:
    """The template's own default counts unless it is empty: ``default: ""`` means the
    answer is optional (e.g. no system), and a configured default may still fill it."""
    if not isinstance(details, Mapping) or details.get("default") is None:
        return False
    return str(details["default"]).strip() != ""


def suggest(
    questions: Mapping[str, Any],
    answers: Mapping[str, Any],
    *,
    config: Any = None,
    author: tuple[str, str] | None = None,
    author_source: str = "your git identity",
) -> dict[str, Suggested]:
    """Defaults for the identity questions the golden path asks without a default and the
    user did not answer.  ``config`` is a ``core.config.Config`` (or None); ``author`` is
    ``(name, email)`` from --author or git, ``author_source`` says which."""
    found: dict[str, Suggested] = {}
    for question in IDENTITY_QUESTIONS:
        if question not in questions or question in answers:
            continue
        if _has_default(questions[question]):
            continue
        key = CONFIG_KEYS[question]
        value = config.get(key) if config is not None else None
        if isinstance(value, str) and value.strip():
            where = config.source(key)
            origin = key if where is None else f"{key} in {_where(where)}"
            found[question] = Suggested(question, value.strip(), origin)
            continue
        if question == "owner" and author is not None:
            ref = user_ref(*author)
            if ref:
                found[question] = Suggested(
                    question, ref, f"{author_source}, {author[0]} <{author[1]}>"
                )
    return found


def _where(source: Any) -> str:
    if getattr(source, "file", None) is None:
        return str(source.layer)
    return f"{source.file}:{source.line}" if source.line else str(source.file)

"""TODO placeholders for what the applicable scorecards check and the file cannot say yet."""

from __future__ import annotations

from typing import Any

from platformctl.core.catalog.generate.model import Inferred, InitPlan

OWNER_KINDS = ("group", "user")
DESCRIPTION_PLACEHOLDER = "TODO: what {name} does, in one line (at least 20 characters)"


def add_placeholders(p: InitPlan, rules: list[Any]) -> None:
    """Add the stub of every scorecard rule that checks this catalog entity and declares a
    stub fix (``fix: {type: catalog_annotation | catalog_link}`` whose value is a ``TODO``
    placeholder), unless the entity already has it.  ``rules`` are the rules of the scorecards
    that apply to the repository (``core.compliance``).  Stubs that are real values (e.g.
    ``backstage.io/techdocs-ref: dir:.``) are not added: they would claim what is not there."""
    from platformctl.core.compliance.checks_catalog import is_placeholder

    values = p.answers()
    facts = {"lifecycle": values.get("lifecycle"), "type": values.get("type"), "kind": "Component"}
    if "description" not in values:
        text = DESCRIPTION_PLACEHOLDER.format(name=values.get("name", "this component"))
        p.values["description"] = Inferred(text, "placeholder")
        rule_id = next(
            (
                f"{r.scorecard}/{r.id}"
                for r in rules
                if r.check.type == "catalog_field"
                and r.check.options.get("path") == "metadata.description"
            ),
            "Backstage catalog",
        )
        p.placeholders.append(("metadata.description", rule_id))
    for rule in rules:
        fix = getattr(rule, "fix", None)
        if fix is None or fix.type not in ("catalog_annotation", "catalog_link"):
            continue
        if not all(
            key in facts and str(facts[key]) in [str(v) for v in _as_list(wanted)]
            for key, wanted in rule.applies_when.items()
        ):
            continue  # does not apply, or depends on more than the entity
        rule_id = f"{rule.scorecard}/{rule.id}"
        options = fix.options
        if fix.type == "catalog_annotation":
            key, value = str(options["key"]), str(options.get("value", "TODO"))
            keys = {key, *(str(k) for k in _as_list(rule.check.options.get("any_of")))}
            if keys & set(p.annotations) or not is_placeholder(value):
                continue
            p.annotations[key] = value
            p.placeholders.append((f"annotation {key}", rule_id))
        else:
            link_type = options.get("link_type")
            url = str(options["url"])
            if not is_placeholder(url) or any(
                (link_type and link.get("type") == link_type) or link.get("url") == url
                for link in p.links
            ):
                continue
            link = {"url": url, "title": str(options["title"])}
            if options.get("icon"):
                link["icon"] = str(options["icon"])
            if link_type:
                link["type"] = str(link_type)
            p.links.append(link)
            p.placeholders.append((f"link {link['title']}", rule_id))


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]

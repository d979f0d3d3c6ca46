"""Backstage catalog entities: validation with Backstage's own rules, references, org rules.

Entry points live in :mod:`platformctl.core.catalog.validate` (``validate_paths``,
``validate_text``, ``discover``) and :mod:`platformctl.core.catalog.refs`
(``parse_entity_ref``).
"""

"""The stages of ``catalog validate``, one module per concern; the entry points are in
:mod:`platformctl.core.catalog.validate` (``validate_paths``, ``validate_text``)."""

"""Regenerate the pregenerated fastjsonschema gates of the built-in catalog schemas
(``src/platformctl/core/catalog/_validators``) after the vendored schemas change:

    python scripts/generate_schema_validators.py

A module whose schema digest no longer matches is ignored at run time (the gate is then
compiled on each run, as before), and tests/unit/test_catalog_validators.py fails."""

from __future__ import annotations

from pathlib import Path

from platformctl.core.catalog import schema as S


def main() -> None:
    folder = Path(S.__file__).resolve().parent / "_validators"
    folder.mkdir(exist_ok=True)
    (folder / "__init__.py").write_text(
        '"""Pregenerated fastjsonschema gates of the built-in catalog schemas '
        '(scripts/generate_schema_validators.py)."""\n'
    )
    for name, schema in S.builtin_schemas().items():
        path = folder / f"{S.module_name(name)}.py"
        path.write_text(S.generate_validator(name, schema))
        print(path)


if __name__ == "__main__":
    main()

"""platformctl: the command-line front door of the internal developer platform."""

__version__ = "0.1.0"

# platformctl's own repository: the pre-commit hook repository (README, .pre-commit-hooks.yaml,
# docs) and SARIF's informationUri all name this URL; tests/unit/test_project_url.py checks.
REPOSITORY_URL = "https://github.com/platformctl/platformctl"

"""Performance bands per the published DORA benchmarks (docs/reference/dora.md has the sources).

Each benchmark year lists, per metric, the clusters from best to worst with the limit that puts
a value in that cluster. A value takes the first (best) cluster whose limit it meets; where the
published ranges overlap or are not ordered (2023's low and medium share a deployment frequency
range; 2024's medium change failure rate is below high's), the better cluster wins, and a value
past every limit is ``low``.
"""

from __future__ import annotations

from platformctl.core.errors import UsageError
from platformctl.core.metrics.model import Band, Summary

HOUR = 3600.0
DAY = 24 * HOUR
WEEK = 7 * DAY
MONTH = 30 * DAY

ORDER = ("elite", "high", "medium", "low")

# metric -> [(band, limit, words)]: frequency is "at least" (deployments per day); times and
# ratios are "at most".
BENCHMARKS: dict[str, dict[str, list[tuple[str, float, str]]]] = {
    "2023": {
        "deployment_frequency": [
            ("elite", 1.0, "on demand: at least one deployment per day"),
            ("high", 1 / 7, "between once per day and once per week"),
            ("medium", 1 / 30, "between once per week and once per month"),
        ],
        "lead_time": [
            ("elite", DAY, "less than one day"),
            ("high", WEEK, "between one day and one week"),
            ("medium", MONTH, "between one week and one month"),
        ],
        "change_failure_rate": [
            ("elite", 0.05, "5%"),
            ("high", 0.10, "10%"),
            ("medium", 0.15, "15%"),
        ],
        "recovery_time": [
            ("elite", HOUR, "less than one hour"),
            ("high", DAY, "less than one day"),
            ("medium", WEEK, "between one day and one week"),
        ],
    },
    "2024": {
        "deployment_frequency": [
            ("elite", 1.0, "on demand: at least one deployment per day"),
            ("high", 1 / 7, "between once per day and once per week"),
            ("medium", 1 / 30, "between once per week and once per month"),
        ],
        "lead_time": [
            ("elite", DAY, "less than one day"),
            ("high", WEEK, "between one day and one week"),
            ("medium", MONTH, "between one week and one month"),
        ],
        "change_failure_rate": [
            ("elite", 0.05, "5%"),
            ("high", 0.20, "20%"),
            ("medium", 0.10, "10%"),
        ],
        "recovery_time": [
            ("elite", HOUR, "less than one hour"),
            ("high", DAY, "less than one day"),
            ("medium", DAY, "less than one day"),
        ],
    },
}
LOW_WORDS = {
    "2023": {
        "deployment_frequency": "less than once per month",
        "lead_time": "more than one month",
        "change_failure_rate": "64%",
        "recovery_time": "between one month and six months",
    },
    "2024": {
        "deployment_frequency": "between once per month and once every six months",
        "lead_time": "between one month and six months",
        "change_failure_rate": "40%",
        "recovery_time": "between one week and one month",
    },
}
LATEST = "2024"


def check_benchmark(year: str) -> str:
    if year not in BENCHMARKS:
        raise UsageError(
            f"unknown DORA benchmark {year!r}", hint=f"choose one of: {', '.join(BENCHMARKS)}"
        )
    return year


def classify(metric: str, value: float | None, year: str) -> Band:
    if value is None:
        return Band(metric, None, "no data")
    for band, limit, words in BENCHMARKS[check_benchmark(year)][metric]:
        if metric == "deployment_frequency":
            meets = value >= limit  # at least this often
        elif metric == "change_failure_rate":
            meets = value <= limit  # at most this share
        else:
            meets = value < limit  # less than this long
        if meets:
            return Band(metric, band, f"{year} {band}: {words}")
    return Band(metric, "low", f"{year} low: {LOW_WORDS[year][metric]}")


def bands_for(summary: Summary, year: str) -> list[Band]:
    return [
        classify("deployment_frequency", summary.deployments_per_day, year),
        classify("lead_time", summary.lead_time_median_seconds, year),
        classify("change_failure_rate", summary.change_failure_ratio, year),
        classify("recovery_time", summary.recovery_time_median_seconds, year),
    ]


def verdict(bands: list[Band]) -> str:
    """One line: the overall band is the weakest of the four keys that have data."""
    known = [b for b in bands if b.band]
    if not known:
        return "no data to place in a DORA band"
    worst = max(known, key=lambda b: ORDER.index(b.band or "low"))
    holding = [b.metric.replace("_", " ") for b in known if b.band == worst.band]
    missing = [b.metric.replace("_", " ") for b in bands if not b.band]
    text = f"overall {worst.band} (the weakest key: {', '.join(holding)})"
    if missing:
        text += f"; no data for {', '.join(missing)}"
    return text

"""The statistics: NPS with its 95 % confidence interval, means and deltas.

NPS follows the standard definition: promoters answer 9-10, passives 7-8, detractors 0-6;
NPS = %promoters - %detractors, from -100 to 100. Its 95 % confidence interval is the Wald
interval of a difference of two multinomial proportions:
``var(NPS/100) = (p_promoters + p_detractors - (p_promoters - p_detractors)**2) / n``,
``NPS +- z(0.975) * 100 * sqrt(var)``, clamped to -100..100 (z from ``statistics.NormalDist``)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

# -- analysis --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Nps:
    respondents: int
    promoters: int
    passives: int
    detractors: int
    score: float | None  # -100..100, None without answers
    ci_low: float | None
    ci_high: float | None
    method: str = "Wald interval for a difference of multinomial proportions, 95 %"


def nps(scores: list[int]) -> Nps:
    """NPS of 0-10 answers: promoters 9-10, passives 7-8, detractors 0-6."""
    n = len(scores)
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    passives = n - promoters - detractors
    if n == 0:
        return Nps(0, 0, 0, 0, None, None, None)
    p, d = promoters / n, detractors / n
    score = (p - d) * 100
    variance = (p + d - (p - d) ** 2) / n
    z = statistics.NormalDist().inv_cdf(0.975)
    half = z * 100 * variance**0.5
    return Nps(
        n, promoters, passives, detractors, score, max(-100.0, score - half),
        min(100.0, score + half),
    )


def _mean(values: list[int]) -> float | None:
    return statistics.fmean(values) if values else None

def _delta(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before

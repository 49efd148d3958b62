"""What the side-by-side page shows as evidence for an alert, in the engine's own terms: the words both
items use (folded and without stop words, as the engine reads them) and each feature's share of the score.

Kept here rather than in the view so that pages know nothing of the engine's text handling or model."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

from liaison.similarity import FEATURES
from liaison.similarity.text import fold, stop_words

_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")


def shared_words(*texts: str) -> set[str]:
    """Folded words (no stop words, three letters or more) that every one of ``texts`` contains."""
    stops = stop_words()
    sets = [{w for w in (fold(t) for t in _WORD.findall(text.lower())) if len(w) > 2 and w not in stops} for text in texts]
    return set.intersection(*sets) if sets else set()


def word_spans(text: str, words: set[str]) -> list[tuple[str, bool]]:
    """``text`` cut into consecutive pieces, each saying whether it is one of ``words`` (folded)."""
    spans, last = [], 0
    for match in _WORD.finditer(text):
        if fold(match.group().lower()) in words:
            spans.append((text[last : match.start()], False))
            spans.append((match.group(), True))
            last = match.end()
    spans.append((text[last:], False))
    return spans


@dataclass(frozen=True, slots=True)
class FeatureShare:
    name: str
    value: float
    weight: float

    @property
    def contribution(self) -> float:
        return self.weight * self.value


def score_breakdown(features: Mapping[str, float], weights: Mapping[str, float]) -> list[FeatureShare]:
    """Every feature the engine scores with, its value for the pair and its weight in the model."""
    return [
        FeatureShare(name, float(features.get(name, 0.0)), float(weights.get(name, 0.0))) for name in FEATURES
    ]

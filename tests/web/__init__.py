"""Tests of the HTML pages."""

from __future__ import annotations

import collections
import re


def duplicate_ids(html: str) -> list[str]:
    """Element ids used more than once (they break label association for screen readers)."""
    counts = collections.Counter(re.findall(r'\sid="([^"]+)"', html))
    return sorted(name for name, count in counts.items() if count > 1)

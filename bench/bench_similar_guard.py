"""How long check-as-you-type holds the similarity index's lock, before and after the bounds of issue 12.

    python bench/bench_similar_guard.py [--items 2000] [--repeats 5]

Fits the engine on synthetic work items (no shared data needed), then times one query for:

- the largest draft a work item's bounds allow (500-character title, 20,000-character summary,
  50 keywords, 120-character reference and group), split into the part now done outside the lock
  (``Engine.prepare``, the encoding) and the part still under it (``query(prepared=...)``);
- the review's 5 MB reference ("X.0 X.1 ... X.599999"), which the API accepted before and which
  the engine worked on under the lock (now refused with 413 before it is read).

Prints milliseconds, best of ``--repeats`` (the 5 MB case once: it takes tens of seconds).
"""

from __future__ import annotations

import argparse
import random
import time

from liaison.similarity import Document, Engine

WORDS = ["child", "online", "protection", "age", "assurance", "parental", "controls", "safety", "privacy", "framework", "guideline", "report", "children", "digital", "services", "verification", "risk", "content", "moderation", "education", "platform", "design", "abuse", "reporting"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(1)
    docs = [
        Document(id=str(n), title=" ".join(rng.choices(WORDS, k=8)), summary=" ".join(rng.choices(WORDS, k=80)),
                 keywords=tuple(rng.choices(WORDS, k=3)), group="ITU-T/SG17", body="ITU-T", identifiers=(f"X.{n}",))
        for n in range(args.items)
    ]
    engine = Engine().fit(docs)
    largest = Document(
        id="draft", title="t" * 500, summary=" ".join(rng.choices(WORDS, k=3000))[:20_000],
        keywords=tuple(f"keyword {n}" for n in range(50)), group="G" * 120, body="G",
        identifiers=("X." + "1" * 118,),
    )
    review = Document(id="draft", title="age", summary="", keywords=(), group="", body="",
                      identifiers=tuple(f"X.{n}" for n in range(600_000)))

    def best(step) -> float:
        times = []
        for _ in range(args.repeats):
            started = time.perf_counter()
            step()
            times.append(time.perf_counter() - started)
        return 1000 * min(times)

    prepared = engine.prepare(largest)
    outside = best(lambda: engine.prepare(largest))
    under = best(lambda: engine.query(largest, k=6, prepared=prepared))
    before = best(lambda: engine.query(largest, k=6))
    started = time.perf_counter()
    engine.query(review, k=6)
    huge = 1000 * (time.perf_counter() - started)
    print(f"engine fitted on {args.items:,} synthetic items; milliseconds, best of {args.repeats}")
    print(f"{'draft':<48} {'under the lock':>15} {'outside it':>11}")
    print(f"{'largest draft the bounds allow, before (all under)':<48} {before:>15.1f} {0:>11.1f}")
    print(f"{'largest draft the bounds allow, now':<48} {under:>15.1f} {outside:>11.1f}")
    print(f"{'the review 5 MB reference, before (now a 413)':<48} {huge:>15.1f} {0:>11.1f}")


if __name__ == "__main__":
    main()

"""Measure how far below French each UN language's translations of English sit, and write the bias the engine ships.

    .venv/bin/python bench/language_bias.py            # print the figures, write liaison/similarity/language_bias.json
    .venv/bin/python bench/language_bias.py --check    # print only

A multilingual encoder puts a text and its translation near each other, the nearer the closer the
language is to English: on the same sentences a French translation's cosine to its English original
is higher than a Chinese one's, and so is an unrelated French text's. The engine's weight for a
meaning shared across languages was calibrated on the only labelled pairs there are, French/English
(bench_similarity.py --fit), so a Chinese twin of an English item scored as a French text that says
less. Read on French's scale, a cosine across languages is raised by how far below French each side's
language sits (``liaison.similarity.dense.language_bias``).

Measured on parallel text the project owns: its message catalogues (``liaison/translations/<L>``),
translated by people for the interface, some 500 messages a language. Messages are short, items are
not, and the gap depends on length: messages are joined, in the same order in both languages, into
texts as long as the engine embeds (``MAX_CHARS``), and the bias is measured on those. It prints the
short messages' figures beside them, and the bias measured on each half of the catalogue: a bias
that two halves agree on is the language's, not its sentences'.

Then what the engine makes of it, held out: the bias measured on the messages of one half, texts
joined from the other half, each language's texts and their English indexed together, and the
alerts the shipped model raises at its threshold, without the bias (as before) and with it. A
twin raised is a translation found; any other pair across the two languages is a false alert, the
texts being the interface's messages joined at random, none used twice.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path
from unittest import mock

import numpy as np
from babel.messages.pofile import read_po

import liaison.similarity.dense

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from liaison.similarity import Document, Engine  # noqa: E402
from liaison.similarity.dense import BIAS_FILE  # noqa: E402
from liaison.similarity.embedding import MAX_CHARS, E5Embedder  # noqa: E402
from tests.similarity.multilingual import ENGLISH_ONLY, SUBJECTS  # noqa: E402

LANGUAGES = ("fr", "es", "ar", "ru", "zh")
REFERENCE = "fr"
# Placeholders and markup are not words of either language; a message of a few words says too little.
_NOT_WORDS = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}|<[^>]+>")
MIN_CHARS = 25
JOINED = 200  # joined texts a language (seeded), each from about five messages

# The check sentences: a few subjects of the unit tests, said in English and in each language.
CHECK = {
    lang: tuple(said[lang] for said in SUBJECTS.values()) + (ENGLISH_ONLY if lang == "en" else ())
    for lang in ("en", *LANGUAGES)
}


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", _NOT_WORDS.sub("", text)).strip()


def parallel(lang: str) -> list[tuple[str, str]]:
    """(English, translation) of every translated message of at least MIN_CHARS characters."""
    with open(ROOT / "liaison" / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as fh:
        catalog = read_po(fh)
    out = []
    for message in catalog:
        if isinstance(message.id, str) and isinstance(message.string, str) and message.string:
            english, said = _clean(message.id), _clean(message.string)
            if len(english) >= MIN_CHARS and said:
                out.append((english, said))
    return out


def joined(pairs: list[tuple[str, str]], lang: str, seed: int, disjoint: bool = False) -> list[tuple[str, str]]:
    """Texts of about MAX_CHARS characters, each the same messages joined in both languages.

    ``JOINED`` texts drawn anew each time, or with ``disjoint`` as many as the messages make
    without using one twice (texts that share no message are unrelated).
    """
    rng = random.Random(seed)
    glue = "" if lang == "zh" else " "
    order = rng.sample(pairs, len(pairs))
    out: list[tuple[str, str]] = []
    while len(out) < JOINED and (order or not disjoint):
        if not disjoint:
            order = rng.sample(pairs, len(pairs))
        picked, length = [], 0
        while order and length < MAX_CHARS:
            english, said = order.pop()
            picked.append((english, said))
            length += len(english) + 1
        if length < MAX_CHARS:
            break
        out.append((" ".join(e for e, _ in picked)[:MAX_CHARS], glue.join(s for _, s in picked)[:MAX_CHARS]))
    return out


def mean_cosines(embedder: E5Embedder, pairs: list[tuple[str, str]]) -> np.ndarray:
    """Each pair's cosine between the English text and its translation."""
    english = embedder.embed([e for e, _ in pairs])
    said = embedder.embed([s for _, s in pairs])
    return (english * said).sum(axis=1)


def held_out_alerts(embedder: E5Embedder, pairs: dict[str, list[tuple[str, str]]]) -> None:
    """Bias from the even messages; alerts among texts joined from the odd ones, without and with it."""
    bias_from = {lang: float(mean_cosines(embedder, joined(p[0::2], lang, seed=7)).mean()) for lang, p in pairs.items()}
    bias = {lang: bias_from[REFERENCE] - cosine for lang, cosine in bias_from.items()}
    print("\nheld out: bias from the even messages, alerts at the shipped threshold among texts joined from the odd ones")
    print(f"{'language':8} {'bias':>6} {'twins raised, before -> with the bias':>38} {'false alerts, before -> with':>30}")
    for lang, p in pairs.items():
        texts = joined(p[1::2], lang, seed=11, disjoint=True)
        english = embedder.embed([e for e, _ in texts])
        said = embedder.embed([s for _, s in texts])
        docs = [Document(f"en-{i}", e, language="en", group="en", vector=v) for i, ((e, _), v) in enumerate(zip(texts, english))]
        docs += [Document(f"{lang}-{i}", s, language=lang, group=lang, vector=v) for i, ((_, s), v) in enumerate(zip(texts, said))]
        found = {}
        for name, table in (("before", {}), ("with", {lang: bias[lang]})):
            # The engine reads the table at each score: this run's table, for this run only.
            with mock.patch.object(liaison.similarity.dense, "language_bias", lambda table=table: table):
                across = [(p.a, p.b) for p in Engine().fit(docs).pairs() if p.a.split("-")[0] != p.b.split("-")[0]]
            twins = sum(a.split("-")[1] == b.split("-")[1] for a, b in across)
            found[name] = (twins, len(across) - twins)
        n = len(texts)
        print(f"{lang:8} {bias[lang]:6.3f} {found['before'][0]:>17d}/{n} -> {found['with'][0]:d}/{n:<13d} "
              f"{found['before'][1]:>18d} -> {found['with'][1]:d}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="print the figures, write nothing")
    args = parser.parse_args()
    embedder = E5Embedder()
    short, long, halves = {}, {}, {}
    catalogues = {lang: parallel(lang) for lang in LANGUAGES}
    for lang in LANGUAGES:
        pairs = catalogues[lang]
        short[lang] = float(mean_cosines(embedder, pairs).mean())
        cosines = mean_cosines(embedder, joined(pairs, lang, seed=LANGUAGES.index(lang)))
        long[lang] = float(cosines.mean())
        halves[lang] = (float(cosines[: JOINED // 2].mean()), float(cosines[JOINED // 2 :].mean()))
        print(f"{lang}: {len(pairs)} messages", flush=True)

    print("\nmean cosine of a translation to its English text, and the bias (French's less the language's)")
    print(f"{'language':8} {'messages':>8} {'bias':>7} {'joined':>7} {'bias':>7} {'half 1':>7} {'half 2':>7}")
    for lang in LANGUAGES:
        h1, h2 = halves[lang]
        print(f"{lang:8} {short[lang]:8.3f} {short[REFERENCE] - short[lang]:7.3f} {long[lang]:7.3f} "
              f"{long[REFERENCE] - long[lang]:7.3f} {halves[REFERENCE][0] - h1:7.3f} {halves[REFERENCE][1] - h2:7.3f}")

    reference = embedder.embed(list(CHECK["en"]))
    print("\ntwin's cosine / best unrelated, raw -> read on French's scale (the joined texts' bias)")
    for lang in LANGUAGES:
        bias = long[REFERENCE] - long[lang]
        raw = embedder.embed(list(CHECK[lang]))
        cells = []
        for i in range(len(raw)):
            r = reference @ raw[i]
            other = max(float(r[j]) for j in range(len(reference)) if j != i)
            cells.append(f"{r[i]:.3f}/{other:.3f} -> {r[i] + bias:.3f}/{other + bias:.3f}")
        print(f"{lang:3} " + "   ".join(cells))

    held_out_alerts(embedder, catalogues)

    if not args.check:
        payload = {
            "model": embedder.name,
            "dim": embedder.dim,
            "reference": REFERENCE,
            "source": f"bench/language_bias.py: mean cosine of {JOINED} texts of {MAX_CHARS} characters joined from "
                      "liaison/translations and their English, a language",
            "cosine": {lang: round(long[lang], 4) for lang in LANGUAGES},
        }
        BIAS_FILE.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
        print(f"\nwrote {BIAS_FILE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

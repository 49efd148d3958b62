"""Similarity engine for liaison: finds overlapping work items across standards bodies.

Pure Python/NumPy/SciPy/scikit-learn; no web framework or database here, so it can be used
from the app, the command line and benchmarks alike.
"""

import os

# The embedding engine's OpenMP runtime reads its thread count once, when the first OpenMP
# library of the process loads (scikit-learn and SciPy load one too, below). Two spinning threads
# on a shared or busy machine made each embedding 10 to 50 times slower (bench/README.md), so
# the default is one, set before any of them loads; LIAISON_EMBED_THREADS or OMP_NUM_THREADS
# in the environment choose otherwise.
_threads = os.environ.get("LIAISON_EMBED_THREADS", "").strip()
# A value that is no thread count is named by embedding.threads_from; OpenMP would only complain.
os.environ.setdefault("OMP_NUM_THREADS", _threads if _threads.isdigit() and int(_threads) >= 1 else "1")

from .document import Document, Match, Pair  # noqa: E402 (after OMP_NUM_THREADS, above)
from .engine import ENGINE_VERSION, Engine  # noqa: E402
from .model import FEATURES, Model  # noqa: E402

__all__ = ["ENGINE_VERSION", "FEATURES", "Document", "Engine", "Match", "Model", "Pair"]

"""Similarity engine for liaison: finds overlapping work items across standards bodies.

Pure Python/NumPy/SciPy/scikit-learn; no web framework or database here, so it can be used
from the app, the command line and benchmarks alike.
"""

from .document import Document, Match, Pair
from .engine import ENGINE_VERSION, Engine
from .model import FEATURES, Model

__all__ = ["ENGINE_VERSION", "FEATURES", "Document", "Engine", "Match", "Model", "Pair"]

"""The similarity package stays free of the web and database layers."""

from __future__ import annotations

import ast
from pathlib import Path

import liaison.similarity

FORBIDDEN = {"flask", "sqlalchemy", "flask_wtf", "alembic", "psycopg"}


def _imported_roots(source: str) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.level > 1:
            roots.add("<outside the package>")
    return roots


def test_similarity_modules_import_neither_flask_nor_sqlalchemy() -> None:
    package = Path(liaison.similarity.__file__).parent
    modules = sorted(package.glob("*.py"))
    assert len(modules) > 3
    for module in modules:
        roots = _imported_roots(module.read_text(encoding="utf-8"))
        assert not roots & FORBIDDEN, f"{module.name} imports {roots & FORBIDDEN}"
        assert "<outside the package>" not in roots, f"{module.name} imports from the parent package"

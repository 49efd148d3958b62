"""The import contracts (pyproject.toml) name each domain's modules: a new module must be named there too."""

from __future__ import annotations

import pkgutil
import tomllib
from pathlib import Path

import liaison

ROOT = Path(__file__).resolve().parents[2]
DOMAINS = ("items", "organisation", "overlaps", "statements", "accounts", "reporting")


def contract(name_start: str) -> dict:
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    return next(c for c in contracts if c["name"].startswith(name_start))


def covered(module: str, names: list[str]) -> bool:
    return any(module == name or module.startswith(name + ".") for name in names)


def test_every_module_of_a_domain_is_a_rule_or_a_door() -> None:
    back_end = contract("Operations, queries and schemas")["source_modules"]
    doors = contract("Views, API and commands")["source_modules"]
    for domain in DOMAINS:
        package = f"liaison.{domain}"
        path = [str(Path(liaison.__file__).parent / domain)]
        for info in pkgutil.walk_packages(path, prefix=package + "."):
            name = info.name
            if name.endswith(".forms") or covered(name, back_end) or covered(name, doors):
                continue
            raise AssertionError(f"{name}: add it to the back end or the doors in pyproject's import contracts")

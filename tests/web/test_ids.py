"""Ids in paths: one converter for every route, and ids no row can have are 404, never 500."""

from __future__ import annotations

import pytest
from werkzeug.routing import Rule

from liaison.core.converters import IdConverter
from tests.factories import login

#: Beyond PostgreSQL's integer, and beyond SQLite's (both once overflowed a query: a 500).
HUGE_IDS = (2**31, 2**64)


def _id_rules(app) -> list[Rule]:
    return [rule for rule in app.url_map.iter_rules() if any(name.endswith("_id") for name in rule.arguments)]


def test_every_id_in_a_path_uses_the_id_converter(app):
    rules = _id_rules(app)
    assert len(rules) > 40
    for rule in rules:
        for name in rule.arguments:
            if name.endswith("_id"):
                assert isinstance(rule._converters[name], IdConverter), f"{rule.rule}: <{name}> is not <id:...>"


@pytest.mark.parametrize("huge", HUGE_IDS)
def test_ids_out_of_range_are_404_on_every_route(app, client, factory, huge):
    admin = factory.user("ids-admin@example.org", admin=True)
    headers = factory.token(admin)
    login(client, admin)
    for rule in _id_rules(app):
        path = rule.rule
        for name in rule.arguments:
            path = path.replace(f"<id:{name}>", str(huge))
        method = sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        response = client.open(path, method=method, headers=headers if path.startswith("/api/") else {})
        assert response.status_code == 404, f"{method} {path}: {response.status_code}"
    # Ids in range that name nothing are 404 too (the service says which).
    assert client.get("/items/2147483647").status_code == 404
    assert client.post("/account/tokens/2147483647/revoke").status_code == 404


@pytest.mark.parametrize("limit", [1, 7, 10, 99, 100, 305, 2000])
def test_the_id_pattern_matches_exactly_one_to_the_limit(limit):
    import re

    from liaison.core.converters import numbers_up_to

    pattern = re.compile(numbers_up_to(limit) + r"\Z")
    assert [n for n in range(limit * 3) if pattern.match(str(n))] == list(range(1, limit + 1))
    assert pattern.match("01") and not pattern.match("0")

"""Requests that give every documented answer of the liaison-statement API, for the OpenAPI conformance test
(``tests/web/api/test_openapi.py`` checks each answer against the document and that none is left unchecked)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from liaison.models import utcnow
from liaison.organisation import operations as organisation
from tests.factories import Factory

Call = Callable[..., Any]


def exercise_statement_api(call: Call, factory: Factory) -> None:
    """Draft, change, submit, approve, send and withdraw statements through ``call``, and the refusals between."""
    sg17, sg2, sg20 = factory.group("ITU-T/SG17"), factory.group("ITU-D/SG2"), factory.group("ITU-T/SG20")
    organisation.add_contact(factory.session, None, sg2, {"name": "Rita Rapporteur", "email": "rita@sg2.example"})
    officer = factory.token(factory.user(officer_of=(sg17.code,)))
    chair = factory.token(factory.user(chair_of=(sg17.code,)))
    outsider = factory.token(factory.user(officer_of=(sg2.code,)))
    deadline = (utcnow().date() + dt.timedelta(days=30)).isoformat()
    data = {
        "title": "LS on age assurance",
        "source_group": sg17.code,
        "abstract": "SG17 asks SG2 to coordinate.",
        "body": "Text.",
        "recipients": [{"group": sg2.code, "purpose": "action", "deadline": deadline},
                       {"email": "liaisons@ietf.example", "name": "IETF", "purpose": "information"}],
        "contacts": [{"name": "Olga Officer", "email": "olga@sg17.example"}],
        "approval_level": "study_group",
    }

    created = call("post", "/liaison-statements", 201, headers=officer, json=data).get_json()
    ls = f"/liaison-statements/{created['id']}"
    call("post", "/liaison-statements", 422, headers=officer,
         json=data | {"recipients": [{"group": sg2.code, "purpose": "action"}]})
    call("post", "/liaison-statements", 403, headers=outsider, json=data)
    call("get", ls, 200, headers=officer)
    call("get", ls, 404)
    call("get", "/liaison-statements?state=draft&group=ITU-T", 200, headers=officer)
    call("get", "/liaison-statements?state=lost", 400)
    call("patch", ls, 200, headers=officer | {"If-Match": '"1"'}, json={"abstract": "SG17 asks SG2, again."})
    call("patch", ls, 409, headers=officer | {"If-Match": '"1"'}, json={"title": "Stale"})
    call("patch", ls, 428, headers=officer, json={"title": "Blind"})
    call("patch", ls, 422, headers=officer, json={"version": 2, "approval_level": "galactic"})
    call("patch", ls, 403, headers=chair | {"If-Match": '"2"'}, json={"source_group": sg2.code})

    bare = {"title": "Bare", "source_group": sg17.code}
    incomplete = call("post", "/liaison-statements", 201, headers=officer, json=bare)
    call("post", f"/liaison-statements/{incomplete.get_json()['id']}/submit", 422, headers=officer)
    call("post", f"{ls}/approve", 409, headers=chair)
    call("post", f"{ls}/submit", 400, headers=officer | {"If-Match": "yesterday"})
    call("post", f"{ls}/submit", 200, headers=officer | {"If-Match": '"2"'})
    call("post", f"{ls}/approve", 403, headers=officer)
    call("post", f"{ls}/approve", 200, headers=chair)
    sent = call("post", f"{ls}/send", 200, headers=officer).get_json()
    assert sent["reference"].startswith("SG17-LS") and sent["deliveries"]
    call("post", f"{ls}/send", 409, headers=officer)
    call("post", f"{ls}/send", 403, headers=outsider)
    call("post", f"{ls}/withdraw", 403, headers=outsider)
    call("post", f"{ls}/withdraw", 409, headers=officer)
    call("post", f"/liaison-statements/{incomplete.get_json()['id']}/withdraw", 200, headers=officer)
    call("post", f"/liaison-statements/{incomplete.get_json()['id']}/approve", 404, headers=outsider)

    no_contact = call("post", "/liaison-statements", 201, headers=officer,
                      json=data | {"recipients": [{"group": sg20.code, "purpose": "information"}]}).get_json()
    approved = f"/liaison-statements/{no_contact['id']}"
    call("post", f"{approved}/submit", 200, headers=officer)
    call("post", f"{approved}/approve", 200, headers=chair)
    call("post", f"{approved}/send", 422, headers=officer)
    call("get", f"{ls}/document.docx", 200)
    call("get", f"{approved}/document.docx", 404)

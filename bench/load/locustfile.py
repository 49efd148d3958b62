"""The load scenario for ``run_load.py``: people reading, officers typing a new item (check as you
type) and API clients registering items, against a liaison holding 100,000 work items.

``run_load.py`` writes a JSON file (``LIAISON_LOAD_CONFIG``) with what exists: item ids, group ids,
search words, titles to type, the token of the writers and where to record the writes the server
acknowledged (201), so that the driver can check none of them was lost.

    locust -f bench/load/locustfile.py --headless -u 50 -r 10 -t 60s --host http://127.0.0.1:8000
"""

from __future__ import annotations

import itertools
import json
import os
import random
from pathlib import Path

from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

CONFIG = json.loads(Path(os.environ["LIAISON_LOAD_CONFIG"]).read_text(encoding="utf-8"))
#: References of the items the server said it created (201), written out when the run stops.
ACKNOWLEDGED: list[str] = []
_numbers = itertools.count(1)


class Visitor(FastHttpUser):
    """One person or client; the weights make a mix of mostly reads, typing and a few writes."""

    # People read a page, then click; the pause (``think`` of the configuration, seconds) is what
    # makes 50 users a crowd of people rather than 50 clients in a loop.
    wait_time = between(*CONFIG["think"])
    # gunicorn closes a keep-alive connection idle for 2 s; like a browser, reopen it and resend once
    # when the server closed it just as the request went out. A resent write that had in fact arrived
    # would be refused (its reference is taken) and counted as an error, never stored twice.
    max_retries = 1

    def on_start(self) -> None:
        self.rng = random.Random()

    def _item_id(self) -> int:
        return self.rng.randint(CONFIG["min_item_id"], CONFIG["max_item_id"])

    @task(10)
    def item_list(self) -> None:
        self.client.get(f"/items/?page={self.rng.randint(1, 40)}", name="GET /items/ (list)")

    @task(15)
    def item_detail(self) -> None:
        self.client.get(f"/items/{self._item_id()}", name="GET /items/<id>")

    @task(5)
    def search(self) -> None:
        self.client.get(f"/items/?q={self.rng.choice(CONFIG['words'])}", name="GET /items/?q= (search)")

    @task(5)
    def group_page(self) -> None:
        self.client.get(f"/groups/{self.rng.choice(CONFIG['group_ids'])}", name="GET /groups/<id>")

    @task(5)
    def api_list(self) -> None:
        word = self.rng.choice(CONFIG["words"])
        self.client.get(f"/api/v1/work-items?q={word}&per_page=25", name="GET /api/v1/work-items?q=")

    @task(10)
    def api_get(self) -> None:
        self.client.get(f"/api/v1/work-items/{self._item_id()}", name="GET /api/v1/work-items/<id>")

    @task(15)
    def check_as_you_type(self) -> None:
        title = self.rng.choice(CONFIG["titles"])
        typed = title[: self.rng.randint(max(8, len(title) // 2), len(title))]
        self.client.post("/api/v1/similar", json={"title": typed, "k": 5}, name="POST /api/v1/similar")

    @task(4)
    def register(self) -> None:
        reference = f"{CONFIG['prefix']}-{os.getpid()}-{next(_numbers)}"
        body = {
            "reference": reference,
            "title": self.rng.choice(CONFIG["titles"]) + f" (load {reference})",
            "summary": "Registered by the load test.",
            "group": CONFIG["write_group"],
        }
        with self.client.post(
            "/api/v1/work-items",
            json=body,
            headers={"Authorization": f"Bearer {CONFIG['token']}"},
            name="POST /api/v1/work-items",
            catch_response=True,
        ) as response:
            if response.status_code == 201:
                ACKNOWLEDGED.append(reference)
                response.success()
            else:
                response.failure(f"{response.status_code}: {(response.text or '')[:200]}")


@events.test_stop.add_listener
def _record_acknowledged(**_kwargs: object) -> None:
    Path(CONFIG["acknowledged_file"]).write_text(json.dumps(ACKNOWLEDGED), encoding="utf-8")

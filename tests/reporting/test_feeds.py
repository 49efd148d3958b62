"""Atom feeds of new public work items: valid Atom, escaped text, one group's feed."""

from __future__ import annotations

from xml.etree import ElementTree

ATOM = "{http://www.w3.org/2005/Atom}"


def parse(response):
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    return ElementTree.fromstring(response.data)


def test_the_feed_is_atom_with_one_complete_entry_per_public_item(client, populated):
    feed = parse(client.get("/feeds/items.atom"))
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{name}").text
    assert feed.find(f"{ATOM}link[@rel='self']").get("href").endswith("/feeds/items.atom")
    entries = feed.findall(f"{ATOM}entry")
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert "X.age-assurance: Age assurance for online services" in titles
    assert not any("zzsecretitem" in t or "Qqprivatetitle" in t for t in titles)
    for entry in entries:
        for name in ("id", "title", "updated", "summary"):
            assert entry.find(f"{ATOM}{name}").text, name
        link = entry.find(f"{ATOM}link[@rel='alternate']").get("href")
        assert link.startswith("http://localhost/items/") and entry.find(f"{ATOM}id").text == link
        assert entry.find(f"{ATOM}updated").text.endswith("Z")


def test_newest_items_come_first(client, populated):
    feed = parse(client.get("/feeds/items.atom"))
    titles = [e.find(f"{ATOM}title").text for e in feed.findall(f"{ATOM}entry")]
    assert titles[0].startswith("D.helplines") and titles[-1].startswith("X.age-assurance")


def test_text_is_escaped_and_control_characters_cannot_break_the_xml(client, world):
    world.item("X.esc", "ITU-T/SG17", title="<script>alert(1)</script> & \"quotes\"", summary="Bell\x07 and <b>tags</b>")
    raw = client.get("/feeds/items.atom").data
    assert b"<script>" not in raw and b"&lt;script&gt;" in raw
    entry = ElementTree.fromstring(raw).find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text == 'X.esc: <script>alert(1)</script> & "quotes"'
    assert "Bell and <b>tags</b>" in entry.find(f"{ATOM}summary").text


def test_a_groups_feed_holds_its_items_and_its_sub_groups(client, world):
    world.item("Q6.item", "ITU-T/SG17/Q6", title="Item of a Question of SG17")
    world.item("SG2.item", "ITU-D/SG2", title="Item of SG2")
    feed = parse(client.get("/feeds/items.atom?group=ITU-T/SG17"))
    titles = [e.find(f"{ATOM}title").text for e in feed.findall(f"{ATOM}entry")]
    assert titles == ["Q6.item: Item of a Question of SG17"]
    assert feed.find(f"{ATOM}title").text == "New COP work items of ITU-T/SG17"


def test_an_unknown_group_is_a_404(client, world):
    response = client.get("/feeds/items.atom?group=NOPE/SG99")
    assert response.status_code == 404
    assert "no group with code" in response.get_data(as_text=True)


def test_an_empty_feed_is_still_valid_atom(client, world):
    feed = parse(client.get("/feeds/items.atom"))
    assert feed.findall(f"{ATOM}entry") == [] and feed.find(f"{ATOM}updated").text


def test_the_home_page_advertises_the_feed(client, world):
    html = client.get("/").get_data(as_text=True)
    assert 'type="application/atom+xml"' in html and 'href="/feeds/items.atom"' in html


def test_the_feeds_page_lists_the_item_and_statement_feeds(client, world):
    html = client.get("/feeds/").get_data(as_text=True)
    assert 'href="/feeds/items.atom"' in html and 'href="/statements/feed.atom"' in html
    assert "http://localhost/statements/feed.atom?group=ITU-T/SG17" in html


def test_a_groups_feed_is_not_fooled_by_similar_codes(client, world):
    world.item("SG1.item", "ITU-T/SG1", title="Item of SG1")
    world.item("SG17.item", "ITU-T/SG17", title="Item of SG17")
    world.item("Q.item", "ITU-T/SGx1/Q1", title="Under a code that only a LIKE wildcard would match")
    world.factory.group("ITU-T/SG_1")
    for code, expected in (("ITU-T/SG1", ["SG1.item: Item of SG1"]), ("ITU-T/SG_1", [])):
        feed = parse(client.get(f"/feeds/items.atom?group={code}"))
        assert [e.find(f"{ATOM}title").text for e in feed.findall(f"{ATOM}entry")] == expected


def test_a_feed_is_written_in_the_language_asked_for(client, world):
    """Feed readers send no Accept-Language: ``?lang=`` in the subscribed address chooses the language."""
    world.item("Q6.item", "ITU-T/SG17/Q6", title="Item of a Question of SG17")
    feed = parse(client.get("/feeds/items.atom?group=ITU-T/SG17&lang=fr"))
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    assert feed.find(f"{ATOM}title").text == "Nouveaux sujets d'étude COP de ITU-T/SG17"
    summary = feed.find(f"{ATOM}entry").find(f"{ATOM}summary").text
    status = summary.split("\n")[0].rsplit("·", 1)[1].strip()
    assert status and status not in ("proposed", "active", "approved", "published", "withdrawn", "completed")
    statements = parse(client.get("/statements/feed.atom?lang=zh"))
    assert statements.find(f"{ATOM}title").text == "已发送的联络声明"
    client.get("/?lang=en")

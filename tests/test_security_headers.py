"""Every answer carries the headers that make it safe to render."""

from __future__ import annotations


def test_pages_forbid_inline_scripts_and_framing(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_only_over_tls(client):
    assert "Strict-Transport-Security" in client.get("/", base_url="https://localhost").headers


def test_api_answers_carry_them_too(client):
    assert client.get("/api/v1/alerts").headers["X-Content-Type-Options"] == "nosniff"


def test_no_page_has_an_inline_script(client):
    html = client.get("/").get_data(as_text=True)
    for chunk in html.split("<script")[1:]:
        tag = chunk.split(">", 1)[0]
        assert "src=" in tag, f"inline script found: <script{tag}>"


def test_method_not_allowed_says_what_is(client):
    page = client.delete("/")
    assert page.status_code == 405 and "GET" in page.headers["Allow"]
    api = client.put("/api/v1/alerts")
    assert api.status_code == 405 and "GET" in api.headers["Allow"]
    assert api.mimetype == "application/problem+json"


def test_a_nul_character_anywhere_is_a_clear_400(client):
    for url in ("/items/?q=a%00b", "/groups/?x=%00", "/api/v1/work-items?q=%00", "/statements/?q=%00", "/items/%00",
                "/groups/?x=a&x=%00", "/statements/?q=a&q=%00"):
        response = client.get(url)
        assert response.status_code == 400, url
    assert client.post("/login", data={"email": "a\x00@example.org", "password": "x"}).status_code == 400

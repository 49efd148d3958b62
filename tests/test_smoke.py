from tests.factories import login


def test_home_and_list_render_for_anonymous(client, factory):
    factory.item("X.cop-guide", title="Guidelines for industry on child online protection")
    assert client.get("/").status_code == 200
    page = client.get("/items/")
    assert page.status_code == 200 and b"X.cop-guide" in page.data


def test_login_logout(client, factory):
    user = factory.user("officer@example.org")
    response = client.post("/login", data={"email": "officer@example.org", "password": "correct horse battery"})
    assert response.status_code == 302
    assert b"Test Person" in client.get("/").data
    client.post("/logout")
    assert b"Log in" in client.get("/").data
    login(client, user)
    assert b"Test Person" in client.get("/").data

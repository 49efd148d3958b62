"""Settings come from the environment with the documented names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from liaison import create_app
from liaison.config import SETTINGS, ConfigurationError
from liaison.mail import MailSettings


def test_mail_and_outbox_settings_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.org")
    monkeypatch.setenv("MAIL_PORT", "2525")
    monkeypatch.setenv("MAIL_USE_TLS", "true")
    monkeypatch.setenv("LIAISON_MAIL_MAX_ATTEMPTS", "3")
    app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "x", "LIAISON_INDEX_PATH": str(tmp_path / "i")})
    settings = MailSettings.from_config(app.config)
    assert (settings.server, settings.port, settings.use_tls, settings.max_attempts) == ("smtp.example.org", 2525, True, 3)


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("LIAISON_ENV", "production")
    with pytest.raises(ConfigurationError):
        create_app({"DATABASE_URL": "sqlite://"})


def test_the_dashboard_cache_is_set_from_the_environment_typed(monkeypatch):
    monkeypatch.setenv("LIAISON_DASHBOARD_CACHE_SECONDS", "5")
    monkeypatch.setenv("LIAISON_LOGIN_MAX_FAILURES", "7")
    app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "x"})
    assert app.config["DASHBOARD_CACHE_SECONDS"] == 5.0
    assert app.config["LIAISON_LOGIN_MAX_FAILURES"] == 7
    assert create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "x", "MAIL_PORT": "2526"}).config["MAIL_PORT"] == 2526


@pytest.mark.parametrize(("name", "raw"), [("MAIL_PORT", "abc"), ("MAIL_USE_TLS", "perhaps"), ("MAIL_TIMEOUT", "soon")])
def test_a_setting_that_does_not_parse_stops_the_app_with_its_name(monkeypatch, name, raw):
    monkeypatch.setenv(name, raw)
    with pytest.raises(ConfigurationError, match=name):
        create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "x"})


def test_every_setting_read_from_the_environment_is_in_the_readme():
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert [s.env for s in SETTINGS if s.env and f"`{s.env}`" not in readme] == []


def test_each_setting_has_one_row_in_the_readme():
    # Two rows of one name, written at different times, say two things about it.
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    first_cells = [line.split("|")[1] for line in readme.splitlines() if line.startswith("| `")]
    names = [name for cell in first_cells for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", cell)]
    assert sorted(n for n in set(names) if names.count(n) > 1) == []


def test_each_setting_is_in_the_table_once():
    # A second row of one name wins silently in ``default`` and says another thing in the README.
    names = [s.name for s in SETTINGS]
    assert sorted(n for n in set(names) if names.count(n) > 1) == []

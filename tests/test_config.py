"""Settings come from the environment with the documented names."""

from __future__ import annotations

import pytest

from liaison import create_app
from liaison.config import ConfigurationError
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

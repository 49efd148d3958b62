"""How to reach the SMTP server and how hard to try, read from Flask-Mail's setting names."""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import formataddr, parseaddr
from typing import Any, Mapping

from liaison.config import default


@dataclass(frozen=True)
class MailSettings:
    """SMTP settings and the sender's retry policy.

    A failed attempt is retried after ``backoff_base * 2 ** (attempts - 1)`` seconds (at most
    ``backoff_max``); after ``max_attempts`` the delivery is ``failed``. A delivery still ``sending``
    ``claim_lease`` seconds after it was claimed belongs to a sender that died: it becomes ``uncertain``.
    """

    server: str = default("MAIL_SERVER")
    port: int = default("MAIL_PORT")
    use_tls: bool = default("MAIL_USE_TLS")
    use_ssl: bool = default("MAIL_USE_SSL")
    username: str | None = default("MAIL_USERNAME")
    password: str | None = default("MAIL_PASSWORD")
    default_sender: str = default("MAIL_DEFAULT_SENDER")
    timeout: float = default("MAIL_TIMEOUT")
    max_attempts: int = default("LIAISON_MAIL_MAX_ATTEMPTS")
    backoff_base: float = default("LIAISON_MAIL_BACKOFF_SECONDS")
    backoff_max: float = default("LIAISON_MAIL_BACKOFF_MAX_SECONDS")
    claim_lease: float = default("LIAISON_MAIL_CLAIM_LEASE_SECONDS")

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> MailSettings:
        """Settings from a mapping with Flask-Mail's names (``MAIL_SERVER``...) plus ``LIAISON_MAIL_*``."""
        sender = config.get("MAIL_DEFAULT_SENDER") or cls.default_sender
        # Flask-Mail also accepts (name, address).
        if isinstance(sender, (tuple, list)):
            sender = formataddr((sender[0], sender[1]))
        return cls(
            server=config.get("MAIL_SERVER") or cls.server,
            port=int(config.get("MAIL_PORT") or cls.port),
            use_tls=bool(config.get("MAIL_USE_TLS", False)),
            use_ssl=bool(config.get("MAIL_USE_SSL", False)),
            username=config.get("MAIL_USERNAME") or None,
            password=config.get("MAIL_PASSWORD") or None,
            default_sender=sender,
            timeout=float(config.get("MAIL_TIMEOUT") or cls.timeout),
            max_attempts=int(config.get("LIAISON_MAIL_MAX_ATTEMPTS") or cls.max_attempts),
            backoff_base=float(config.get("LIAISON_MAIL_BACKOFF_SECONDS") or cls.backoff_base),
            backoff_max=float(config.get("LIAISON_MAIL_BACKOFF_MAX_SECONDS") or cls.backoff_max),
            claim_lease=float(config.get("LIAISON_MAIL_CLAIM_LEASE_SECONDS") or cls.claim_lease),
        )

    @property
    def envelope_sender(self) -> str:
        """The bare address of ``default_sender`` (for MAIL FROM)."""
        return parseaddr(self.default_sender)[1] or self.default_sender

    @property
    def message_id_domain(self) -> str:
        """The domain of Message-IDs: the sender's, so that they are unique to this installation."""
        return self.envelope_sender.rpartition("@")[2] or "localhost"

    def backoff(self, attempts: int) -> float:
        """Seconds to wait before the next attempt after ``attempts`` failed ones."""
        return min(self.backoff_max, self.backoff_base * 2 ** max(0, attempts - 1))

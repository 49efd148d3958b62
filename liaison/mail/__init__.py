"""Mail: the outbox (queueing in the caller's transaction) and the sender that delivers it over SMTP.

Nothing here imports Flask: the command line turns ``app.config`` into :class:`MailSettings`.
"""

from liaison.mail.outbox import MailAddress, queue_mail, readers_language
from liaison.mail.settings import MailSettings

__all__ = ["MailAddress", "MailSettings", "queue_mail", "readers_language"]

"""Delivery providers for the notification outbox.

A provider turns one ``OutgoingMessage`` into a delivered e-mail and returns
the provider's id for it. It raises ``TransientDeliveryError`` when trying
again later may succeed (4xx replies, connection problems, authentication
that may be fixed) and ``PermanentDeliveryError`` when it will not (5xx
replies about the message or its recipient). The outbox sender in
``notifications.py`` decides about retries; providers never retry.

``SmtpProvider`` speaks SMTP with the standard library. It is configured by
``SmtpSettings``, usually read from the environment:

==========================  ===========================================  =========
variable                    meaning                                      default
==========================  ===========================================  =========
``ROTACC_SMTP_HOST``        server host name (required)
``ROTACC_SMTP_PORT``        port                                         25
``ROTACC_SMTP_STARTTLS``    ``1``/``true`` to upgrade with STARTTLS      false
``ROTACC_SMTP_SSL``         ``1``/``true`` for implicit TLS (port 465)   false
``ROTACC_SMTP_USERNAME``    login user (no login when empty)
``ROTACC_SMTP_PASSWORD``    login password
``ROTACC_SMTP_FROM``        sender address                               rota@localhost
``ROTACC_SMTP_TIMEOUT``     socket timeout, seconds                      30
==========================  ===========================================  =========

Credentials come from the environment only, never from a workspace or a
settings file. A user name is only sent (SMTP AUTH) over an encrypted
connection (``STARTTLS`` or ``SSL``), or to a relay on this machine (a
loopback host such as ``localhost``, ``127.0.0.1`` or ``::1``); otherwise the
settings are refused before anything is sent, since AUTH PLAIN/LOGIN would
carry the password in clear.
"""

from __future__ import annotations

import os
import re
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate
from typing import Mapping, Protocol, runtime_checkable


class DeliveryError(Exception):
    """A message could not be delivered."""


class TransientDeliveryError(DeliveryError):
    """Delivery failed but may succeed later (retry with back-off)."""


class PermanentDeliveryError(DeliveryError):
    """Delivery will never succeed for this message (do not retry)."""


@dataclass(frozen=True)
class OutgoingMessage:
    """One e-mail to send. ``message_id`` is the RFC 5322 Message-ID header value.

    The outbox derives ``message_id`` from the outbox row, so every attempt for
    the same row carries the same header: a recipient (or an operator checking
    a mailbox) can recognise a second copy as a duplicate.
    """

    message_id: str
    to_address: str
    subject: str
    body: str


@runtime_checkable
class DeliveryProvider(Protocol):
    """What the outbox sender needs from a transport."""

    def send(self, message: OutgoingMessage) -> str:
        """Deliver ``message``; return the provider's id for it, or raise a ``DeliveryError``."""
        ...


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    starttls: bool = False
    use_ssl: bool = False
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    from_address: str = "rota@localhost"
    timeout: float = 30.0

    def __post_init__(self) -> None:
        if not isinstance(self.host, str) or not self.host.strip():
            raise ValueError("smtp host (ROTACC_SMTP_HOST): empty; give the SMTP server host name")
        if isinstance(self.port, bool) or not isinstance(self.port, int) or not 1 <= self.port <= 65535:
            raise ValueError(f"smtp port (ROTACC_SMTP_PORT): {self.port!r} is not accepted; give 1..65535")
        if self.starttls and self.use_ssl:
            raise ValueError("smtp: ROTACC_SMTP_STARTTLS and ROTACC_SMTP_SSL are exclusive; choose one")
        if "@" not in self.from_address:
            raise ValueError(f"smtp from address (ROTACC_SMTP_FROM): {self.from_address!r} is not an e-mail address")
        if not self.timeout > 0:
            raise ValueError(f"smtp timeout (ROTACC_SMTP_TIMEOUT): {self.timeout!r} is not accepted; give seconds > 0")
        if self.username and not self.encrypted and not is_loopback(self.host):
            raise ValueError(
                f"smtp: refusing to log in as {self.username!r} to {self.host}:{self.port} over an unencrypted "
                "connection (the password would cross the network in clear); set ROTACC_SMTP_STARTTLS=1 "
                "(usually port 587) or ROTACC_SMTP_SSL=1 (usually port 465), or send through a relay on this "
                "machine (ROTACC_SMTP_HOST=localhost)"
            )

    @property
    def encrypted(self) -> bool:
        """True when the connection is TLS from the start or upgraded with STARTTLS."""
        return self.starttls or self.use_ssl

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides) -> "SmtpSettings":
        """Read ``ROTACC_SMTP_*`` variables; keyword ``overrides`` (not None) win."""
        env = os.environ if env is None else env
        values: dict = {"host": env.get("ROTACC_SMTP_HOST", "")}
        if env.get("ROTACC_SMTP_PORT"):
            try:
                values["port"] = int(env["ROTACC_SMTP_PORT"])
            except ValueError:
                raise ValueError(
                    f"ROTACC_SMTP_PORT: {env['ROTACC_SMTP_PORT']!r} is not accepted; give an integer 1..65535"
                ) from None
        values["starttls"] = _truthy(env.get("ROTACC_SMTP_STARTTLS"))
        values["use_ssl"] = _truthy(env.get("ROTACC_SMTP_SSL"))
        values["username"] = env.get("ROTACC_SMTP_USERNAME") or None
        values["password"] = env.get("ROTACC_SMTP_PASSWORD") or None
        if env.get("ROTACC_SMTP_FROM"):
            values["from_address"] = env["ROTACC_SMTP_FROM"]
        if env.get("ROTACC_SMTP_TIMEOUT"):
            try:
                values["timeout"] = float(env["ROTACC_SMTP_TIMEOUT"])
            except ValueError:
                raise ValueError(
                    f"ROTACC_SMTP_TIMEOUT: {env['ROTACC_SMTP_TIMEOUT']!r} is not accepted; give seconds > 0"
                ) from None
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


def is_loopback(host: str) -> bool:
    """``localhost`` (and ``*.localhost``) or a loopback address (127.0.0.0/8, ::1); no DNS lookup."""
    import ipaddress

    name = host.strip().strip("[]").lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


_QUEUED_AS = re.compile(r"queued as\s+([^\s]+)", re.IGNORECASE)


class SmtpProvider:
    """Deliver over SMTP: one connection per ``send`` (simple, and nothing stale survives a failure)."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.use_ssl:
            return smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=ssl.create_default_context())
        conn = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        if s.starttls:
            conn.starttls(context=ssl.create_default_context())
        return conn

    def build(self, message: OutgoingMessage) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = self.settings.from_address
        mail["To"] = message.to_address
        mail["Subject"] = message.subject
        mail["Date"] = formatdate(localtime=False, usegmt=True)
        mail["Message-ID"] = message.message_id
        mail.set_content(message.body)
        return mail

    def send(self, message: OutgoingMessage) -> str:
        """Send ``message``; return the server's queue id when it reports one, else the Message-ID."""
        mail = self.build(message)
        try:
            conn = self._connect()
        except (OSError, smtplib.SMTPException) as err:
            raise TransientDeliveryError(f"cannot connect to {self.settings.host}:{self.settings.port}: {err}") from err
        try:
            conn.ehlo_or_helo_if_needed()
            if self.settings.username:
                if not (self.settings.encrypted or is_loopback(self.settings.host)):  # settings refuse this too
                    raise PermanentDeliveryError("SMTP: no login over an unencrypted connection to another host")
                conn.login(self.settings.username, self.settings.password or "")
            code, resp = conn.mail(self.settings.from_address)
            _check(code, resp, "MAIL FROM")
            code, resp = conn.rcpt(message.to_address)
            _check(code, resp, f"RCPT TO {message.to_address}")
            code, resp = conn.data(mail.as_bytes())
            _check(code, resp, "DATA")
        except smtplib.SMTPAuthenticationError as err:
            raise TransientDeliveryError(f"SMTP login refused ({err.smtp_code}); check ROTACC_SMTP_USERNAME/PASSWORD") from err
        except smtplib.SMTPResponseException as err:
            _raise_for(err.smtp_code, err.smtp_error, "SMTP")
        except (OSError, smtplib.SMTPException) as err:
            raise TransientDeliveryError(f"SMTP conversation failed: {err}") from err
        finally:
            try:
                conn.quit()
            except (OSError, smtplib.SMTPException):
                conn.close()
        text = resp.decode("utf-8", "replace") if isinstance(resp, bytes) else str(resp)
        found = _QUEUED_AS.search(text)
        return found.group(1) if found else message.message_id


def _check(code: int, resp: bytes | str, step: str) -> None:
    if not 200 <= code < 300:
        _raise_for(code, resp, step)


def _raise_for(code: int, resp: bytes | str, step: str) -> None:
    text = resp.decode("utf-8", "replace") if isinstance(resp, bytes) else str(resp)
    if 400 <= code < 500 or code < 0:
        raise TransientDeliveryError(f"{step}: server replied {code} {text}")
    raise PermanentDeliveryError(f"{step}: server replied {code} {text}")

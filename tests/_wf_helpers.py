"""Shared fixtures for the workflow tests: a real local SMTP server (aiosmtpd)."""

from __future__ import annotations

import email
import socket
import threading
from dataclasses import dataclass, field
from email.message import Message

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class CollectingHandler:
    """Accepts messages and keeps them; the first ``reject_first`` DATA commands get a 451."""

    reject_first: int = 0
    messages: list[Message] = field(default_factory=list)
    attempts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd hook name
        with self.lock:
            self.attempts += 1
            if self.attempts <= self.reject_first:
                return "451 4.3.0 try again later"
            self.messages.append(email.message_from_bytes(envelope.content))
        return "250 2.0.0 Ok: queued as Q%04d" % self.attempts

    def message_ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.messages]


class SmtpServer:
    """A real SMTP server on 127.0.0.1 and a free port, for the length of a test."""

    def __init__(self, handler: CollectingHandler, logins: dict[str, str] | None = None):
        """With ``logins`` (user -> password), the server offers AUTH (also without TLS) and records who logged in."""
        self.handler = handler
        self.port = free_port()
        self.logged_in: list[str] = []
        extra = {}
        if logins is not None:
            from aiosmtpd.smtp import AuthResult, LoginPassword

            def authenticator(server, session, envelope, mechanism, auth_data):
                ok = isinstance(auth_data, LoginPassword) and logins.get(auth_data.login.decode()) == \
                    auth_data.password.decode()
                if ok:
                    self.logged_in.append(auth_data.login.decode())
                return AuthResult(success=ok)

            extra = {"authenticator": authenticator, "auth_require_tls": False}
        self.controller = Controller(handler, hostname="127.0.0.1", port=self.port, **extra)

    def __enter__(self) -> "SmtpServer":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

"""SmtpProvider against a real local SMTP server."""

from __future__ import annotations

import pytest

from rotacc_lab.workflows.smtp import (
    OutgoingMessage,
    SmtpProvider,
    SmtpSettings,
    TransientDeliveryError,
    DeliveryProvider,
)

from _wf_helpers import CollectingHandler, SmtpServer, free_port


def msg(n: int = 1) -> OutgoingMessage:
    return OutgoingMessage(f"<outbox-{n}@rotacc-lab>", "dr.a@example.org", "Rota change, 3 March", "Your shift moved.\n")


def test_send_delivers_with_message_id_and_returns_queue_id():
    handler = CollectingHandler()
    with SmtpServer(handler) as srv:
        provider = SmtpProvider(SmtpSettings(host="127.0.0.1", port=srv.port, from_address="rota@practice.test"))
        assert isinstance(provider, DeliveryProvider)
        assert provider.send(msg()) == "Q0001"
    [m] = handler.messages
    assert m["Message-ID"] == "<outbox-1@rotacc-lab>"
    assert m["To"] == "dr.a@example.org" and m["From"] == "rota@practice.test"
    assert m["Subject"] == "Rota change, 3 March"
    assert m.get_payload().strip() == "Your shift moved."


def test_451_is_transient():
    handler = CollectingHandler(reject_first=1)
    with SmtpServer(handler) as srv:
        provider = SmtpProvider(SmtpSettings(host="127.0.0.1", port=srv.port))
        with pytest.raises(TransientDeliveryError, match="451"):
            provider.send(msg())
        provider.send(msg())
    assert handler.message_ids() == ["<outbox-1@rotacc-lab>"]


def test_connection_refused_is_transient():
    provider = SmtpProvider(SmtpSettings(host="127.0.0.1", port=free_port(), timeout=5))
    with pytest.raises(TransientDeliveryError, match="cannot connect"):
        provider.send(msg())


def test_settings_from_env_and_validation():
    s = SmtpSettings.from_env({"ROTACC_SMTP_HOST": "mail.test", "ROTACC_SMTP_PORT": "587",
                               "ROTACC_SMTP_STARTTLS": "true", "ROTACC_SMTP_USERNAME": "u",
                               "ROTACC_SMTP_PASSWORD": "p", "ROTACC_SMTP_FROM": "rota@x.test"})
    assert (s.host, s.port, s.starttls, s.username, s.password, s.from_address) == (
        "mail.test", 587, True, "u", "p", "rota@x.test")
    assert "password" not in repr(s)
    with pytest.raises(ValueError, match="ROTACC_SMTP_HOST"):
        SmtpSettings.from_env({})
    with pytest.raises(ValueError, match="ROTACC_SMTP_PORT: 'abc'"):
        SmtpSettings.from_env({"ROTACC_SMTP_HOST": "h", "ROTACC_SMTP_PORT": "abc"})
    with pytest.raises(ValueError, match="exclusive"):
        SmtpSettings(host="h", starttls=True, use_ssl=True)

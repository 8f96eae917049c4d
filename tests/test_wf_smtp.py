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


# --------------------------------------------------------------------------- credentials


def test_login_over_plain_smtp_to_a_loopback_relay_is_allowed():
    handler = CollectingHandler()
    with SmtpServer(handler, logins={"rota": "s3cret"}) as srv:
        provider = SmtpProvider(SmtpSettings(host="127.0.0.1", port=srv.port, username="rota", password="s3cret"))
        provider.send(msg())
    assert srv.logged_in == ["rota"]
    assert handler.message_ids() == ["<outbox-1@rotacc-lab>"]


@pytest.mark.parametrize("host", ["mail.example.org", "10.1.2.3", "localhost.example.org", "::ffff:127.0.0.1x"])
def test_login_without_encryption_to_another_host_is_refused_before_connecting(host):
    with pytest.raises(ValueError, match="refusing to log in as 'rota'.*unencrypted.*ROTACC_SMTP_STARTTLS=1"):
        SmtpSettings(host=host, username="rota", password="p")
    with pytest.raises(ValueError, match="refusing to log in"):
        SmtpSettings.from_env({"ROTACC_SMTP_HOST": host, "ROTACC_SMTP_USERNAME": "rota"})
    # encrypted, or no login at all: accepted
    SmtpSettings(host=host, port=587, starttls=True, username="rota", password="p")
    SmtpSettings(host=host, port=465, use_ssl=True, username="rota", password="p")
    SmtpSettings(host=host)


@pytest.mark.parametrize("host,loopback", [("localhost", True), ("LOCALHOST.", True), ("relay.localhost", True),
                                           ("127.0.0.1", True), ("127.5.6.7", True), ("::1", True), ("[::1]", True),
                                           ("mail.test", False), ("128.0.0.1", False), ("", False)])
def test_loopback_hosts(host, loopback):
    from rotacc_lab.workflows.smtp import is_loopback

    assert is_loopback(host) is loopback


def test_outbox_send_refuses_clear_text_login_with_a_message(workspace, monkeypatch):
    from typer.testing import CliRunner

    from rotacc_lab.cli import app

    monkeypatch.setenv("ROTACC_SMTP_USERNAME", "rota")
    monkeypatch.setenv("ROTACC_SMTP_PASSWORD", "s3cret")
    result = CliRunner().invoke(app, ["outbox", "send", str(workspace.path), "--host", "mail.example.org"])
    assert result.exit_code == 2, result.output
    assert "refusing to log in as 'rota' to mail.example.org:25" in result.output
    assert "s3cret" not in result.output

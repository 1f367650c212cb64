"""The outbox with a real Celery worker and a real SMTP server: each message leaves once,
whether the send task runs twice, a worker died before sending, or the flush runs beside it."""

import socket
import time

import pytest
from aiosmtpd.controller import Controller
from django.db import transaction

from assessment import outbox
from assessment.models import OutboxMessage
from assessment.tasks import outbox_send


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_TIMEOUT = 5
    yield inbox
    controller.stop()


def _enqueue(key="test:1:hello"):
    return outbox.outbox_enqueue(
        key=key, recipients=["Staff@Example.org"], template="information_requested", subject="Hello",
        context={"application": {"reference": "APP-2026-00001"}, "title": "T", "request": {"message": "M"}, "path": "/"},
    )


def _wait_for(condition, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.django_db(transaction=True)
def test_each_message_leaves_once_even_when_the_send_task_runs_three_times(celery_worker, smtp_server):
    with transaction.atomic():
        message = _enqueue()
        # The same reason again in the same transaction: still one message.
        assert _enqueue().pk == message.pk
    outbox_send.delay(message.pk)
    outbox_send.delay(message.pk)
    assert _wait_for(lambda: OutboxMessage.objects.get(pk=message.pk).status == "sent")
    # Give the duplicates time to run (they find the row claimed or sent and do nothing).
    time.sleep(1.5)
    assert len(smtp_server.messages) == 1
    assert smtp_server.messages[0].rcpt_tos == ["staff@example.org"]
    assert b"APP-2026-00001" in smtp_server.messages[0].content
    assert OutboxMessage.objects.count() == 1
    # Enqueued again later (a sweep run twice): nothing new is sent.
    with transaction.atomic():
        _enqueue()
    time.sleep(0.5)
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db(transaction=True)
def test_a_message_left_pending_by_a_dead_worker_is_sent_once_by_the_flush(smtp_server, monkeypatch):
    # The worker died after the commit: the send task never ran.
    monkeypatch.setattr(outbox_send, "delay", lambda *args, **kwargs: None)
    with transaction.atomic():
        message = _enqueue("test:2:pending")
    assert OutboxMessage.objects.get(pk=message.pk).status == "pending"
    assert outbox.outbox_flush() == 1
    assert outbox.outbox_flush() == 0
    assert outbox_send.run(message.pk) is None
    assert len(smtp_server.messages) == 1
    stored = OutboxMessage.objects.get(pk=message.pk)
    assert (stored.status, stored.attempts) == ("sent", 1)


@pytest.mark.django_db(transaction=True)
def test_a_message_claimed_by_a_live_sender_is_not_sent_again_by_the_flush(smtp_server, monkeypatch):
    monkeypatch.setattr(outbox_send, "delay", lambda *args, **kwargs: None)
    with transaction.atomic():
        message = _enqueue("test:3:claimed")
    assert outbox._claim(message.pk) is not None
    assert outbox.outbox_flush() == 0
    assert smtp_server.messages == []


@pytest.mark.django_db
def test_an_unreachable_smtp_server_leaves_the_message_pending_for_a_retry(settings, monkeypatch):
    monkeypatch.setattr(outbox_send, "delay", lambda *args, **kwargs: None)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = _free_port()
    settings.EMAIL_TIMEOUT = 2
    message = _enqueue("test:4:down")
    with pytest.raises(outbox.TransientSendError):
        outbox.outbox_deliver(message.pk)
    stored = OutboxMessage.objects.get(pk=message.pk)
    assert (stored.status, stored.attempts, stored.claim_token) == ("pending", 1, None)
    assert stored.last_error

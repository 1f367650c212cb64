"""The outbox with a real Celery worker and a real SMTP server: each message leaves at most
once, whether the send task runs twice, raises after the server accepted the message, a
worker died before or during sending, or the flush runs beside it."""

import smtplib
import socket
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from assessment import outbox
from assessment.models import OutboxMessage
from assessment.tasks import outbox_send
from tests.polling import wait_for


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _enqueue(key="test:1:hello", recipients=("Staff@Example.org",)):
    messages = outbox.outbox_enqueue(
        key=key, recipients=list(recipients), template="information_requested", subject="Hello",
        context={"application": {"reference": "APP-2026-00001"}, "title": "T", "request": {"message": "M"}, "path": "/"},
    )
    return messages[0] if len(messages) == 1 else messages


@pytest.mark.django_db(transaction=True)
def test_each_message_leaves_once_even_when_the_send_task_runs_three_times(celery_worker, smtp_server):
    with transaction.atomic():
        message = _enqueue()
        # The same reason again in the same transaction: still one message.
        assert _enqueue().pk == message.pk
    outbox_send.delay(message.pk)
    outbox_send.delay(message.pk)
    assert wait_for(lambda: OutboxMessage.objects.get(pk=message.pk).status == "sent")
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
def test_each_person_gets_their_own_message_and_a_key_is_never_extended(celery_worker, smtp_server):
    with transaction.atomic():
        rows = _enqueue("test:5:people", recipients=["b@example.org", "A@example.org", "a@example.org"])
    assert sorted(m.recipient for m in rows) == ["a@example.org", "b@example.org"]
    assert wait_for(lambda: len(smtp_server.messages) == 2)
    assert sorted(tuple(m.rcpt_tos) for m in smtp_server.messages) == [("a@example.org",), ("b@example.org",)]
    # A newcomer later does not get an email whose reason arose before them.
    with transaction.atomic():
        again = _enqueue("test:5:people", recipients=["a@example.org", "c@example.org"])
    assert sorted(m.recipient for m in again) == ["a@example.org", "b@example.org"]
    time.sleep(0.5)
    assert len(smtp_server.messages) == 2


@pytest.mark.django_db(transaction=True)
def test_a_send_task_that_raises_after_the_server_accepted_the_message_never_sends_it_again(
    celery_worker, smtp_server, monkeypatch
):
    # The server accepts the message; then QUIT fails (a 421 from a server going down).
    # Had the send and its bookkeeping shared one try, that error would read as a failed
    # send and the retry would deliver a second copy.
    def broken_quit(self):
        raise smtplib.SMTPResponseException(421, b"Service closing transmission channel")

    monkeypatch.setattr(smtplib.SMTP, "quit", broken_quit)
    with transaction.atomic():
        message = _enqueue("test:6:quit")
    assert wait_for(lambda: OutboxMessage.objects.get(pk=message.pk).status == "sent")
    outbox_send.delay(message.pk)  # a redelivery or a retry
    time.sleep(1)
    assert outbox.outbox_flush() == 0
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db(transaction=True)
def test_when_recording_the_acceptance_fails_the_task_fails_without_a_retry_and_no_copy_follows(
    celery_worker, smtp_server, monkeypatch
):
    from django.db import DatabaseError
    from django.db.models.query import QuerySet

    original_update = QuerySet.update
    failures = []

    def update(self, **kwargs):
        # The database goes away just as the task records the acceptance.
        if self.model is OutboxMessage and kwargs.get("status") == "sent" and not failures:
            failures.append(True)
            raise DatabaseError("connection lost")
        return original_update(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", update)
    with transaction.atomic():
        message = _enqueue("test:7:bookkeeping")
    assert wait_for(lambda: failures and len(smtp_server.messages) == 1)
    outbox_send.delay(message.pk)
    time.sleep(1.5)
    assert OutboxMessage.objects.get(pk=message.pk).status == "sending"
    # Past the lease the flush does not send it again: it is uncertain, for a person to judge.
    OutboxMessage.objects.filter(pk=message.pk).update(claimed_at=timezone.now() - timedelta(hours=1))
    assert outbox.outbox_flush() == 0
    stored = OutboxMessage.objects.get(pk=message.pk)
    assert (stored.status, stored.attempts) == ("uncertain", 1)
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db(transaction=True)
def test_a_stale_claim_is_marked_uncertain_not_sent_and_a_person_may_resend_it(smtp_server, monkeypatch):
    monkeypatch.setattr(outbox_send, "delay", lambda *args, **kwargs: None)
    with transaction.atomic():
        message = _enqueue("test:8:stale")
    # A worker claimed it and died: whether the server has it is unknowable.
    assert outbox.delivery._claim(message.pk) is not None
    OutboxMessage.objects.filter(pk=message.pk).update(claimed_at=timezone.now() - outbox.CLAIM_LEASE - timedelta(seconds=1))
    assert outbox.outbox_flush() == 0
    assert outbox.outbox_flush() == 0
    assert OutboxMessage.objects.get(pk=message.pk).status == "uncertain"
    assert smtp_server.messages == []
    # The admin's action, after someone checked it never arrived.
    assert outbox.outbox_resend(message_ids=[message.pk]) == 1
    assert outbox.outbox_flush() == 1
    assert outbox.outbox_resend(message_ids=[message.pk]) == 0
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db(transaction=True)
def test_a_connection_broken_during_data_leaves_the_message_uncertain_not_pending(smtp_server, monkeypatch):
    monkeypatch.setattr(outbox_send, "delay", lambda *args, **kwargs: None)
    with transaction.atomic():
        message = _enqueue("test:9:data")

    def data_then_drop(self, msg):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(smtplib.SMTP, "data", data_then_drop)
    assert outbox.outbox_deliver(message.pk) is False
    assert OutboxMessage.objects.get(pk=message.pk).status == "uncertain"
    assert outbox.outbox_flush() == 0


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
    assert outbox.delivery._claim(message.pk) is not None
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


def _lapse_notice(key, template="review_lapsed", context=None):
    return outbox.Email(
        key=key, recipients=["Provider@Example.org"], template=template, subject="Lapsed: T (MCA-1)",
        context=context if context is not None else {
            "reference": "MCA-1", "title": "Welding basics", "provider": "P", "due_on": "Tuesday 2 March 2027",
            "current_until": "Thursday 1 April 2027", "path": "/register/MCA-1/",
        },
    )


@pytest.mark.django_db(transaction=True)
def test_a_sweeps_message_is_rendered_as_it_is_sent_and_keeps_the_bodies_it_went_with(smtp_server, settings, monkeypatch):
    monkeypatch.setattr(outbox_send, "delay", lambda *args, **kwargs: None)
    settings.SITE_URL = "https://agency.example"
    with transaction.atomic():
        assert outbox.outbox_enqueue_many([_lapse_notice("test:5:lapsed")]) == {"test:5:lapsed": 1}
    queued = OutboxMessage.objects.get(key="test:5:lapsed")
    assert (queued.template, queued.body_text, queued.context["title"]) == ("review_lapsed", "", "Welding basics")
    assert outbox.outbox_flush() == 1
    sent = smtp_server.messages[0].content.decode()
    stored = OutboxMessage.objects.get(pk=queued.pk)
    assert stored.status == "sent"
    assert "due on Tuesday 2 March 2027, was not filed" in stored.body_text
    assert "https://agency.example/register/MCA-1/" in stored.body_text
    assert "<strong>MCA-1</strong>" in stored.body_html
    assert "It was current until Thursday 1 April 2027." in sent
    assert outbox.outbox_render(stored) == (stored.body_text, stored.body_html)


@pytest.mark.django_db(transaction=True)
def test_a_message_that_cannot_be_rendered_fails_alone_and_the_others_go(smtp_server, monkeypatch):
    monkeypatch.setattr(outbox_send, "delay", lambda *args, **kwargs: None)
    with transaction.atomic():
        outbox.outbox_enqueue_many([_lapse_notice("test:6:broken", template="no_such_template"),
                                    _lapse_notice("test:6:fine")])
    assert outbox.outbox_flush() == 1
    broken = OutboxMessage.objects.get(key="test:6:broken")
    assert broken.status == "failed" and "Rendering failed" in broken.last_error
    assert OutboxMessage.objects.get(key="test:6:fine").status == "sent"
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db
def test_a_context_that_is_not_plain_json_is_refused_when_queued_not_when_sent():
    from datetime import date

    with pytest.raises(TypeError):
        outbox.outbox_enqueue_many([_lapse_notice("test:7:date", context={"due_on": date(2027, 3, 2)})])
    assert not OutboxMessage.objects.filter(key="test:7:date").exists()

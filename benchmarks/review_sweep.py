"""The daily review sweep at a province's scale and reminder mail (docs/architecture.md,
"Performance"), two rows:

- `review_sweep`: a day's sweep with 1,000,000 assessments against the same days' sweeps with
  100,000, the same 1,000 entries in their review window in both (the cost must follow the
  work, not the table). Target: at most 1.5x.
- `review_mail`: the reminder and lapse emails the sweeps queued, sent by `outbox_flush` over
  one SMTP connection to aiosmtpd (its own process) on 127.0.0.1. Target: at least 200 a second.

The data lives in its own database (`bench_review`, made and dropped). The 1,000 due entries
(one micro-credential each: a review case is one per micro-credential) are spread over the
review window (opening 90 days before the due date until the lapse 30 days after), so every
step of the schedule and the lapse happen on some day; the rest of the register, built by
PostgreSQL (benchmarks/_world.py), is due in 2028. At each size, after the same run once
untimed (the cache warm at both sizes, as a server's is for its daily work), in one
transaction rolled back afterwards: a first sweep opens the review cases and queues the step due for each
(timed, reported), then a run of consecutive days is timed, each a normal day's work (the
entries whose step or lapse falls on that day), then the same day again (nothing to do).

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/review_sweep.py
     [--small 100000] [--large 1000000] [--days 5] [--database bench_review]
(only the server part of DATABASE_URL is used; BENCHMARK_SHORT=1: 5,000 and 15,000 entries, 150 due)
"""

import argparse
import datetime as dt
import os
import socket
import statistics
import subprocess
import sys
import time

import _world

TARGET_RATIO = 1.5
TARGET_MAIL = 200
AS_OF = dt.date(2027, 1, 4)
DUE_BASE = 9_000_000  # the due entries' numbers, apart from the rest of the register's


class Rollback(Exception):
    pass


def due_entries_add(world, count):
    """`count` current entries in their review window, one micro-credential each, and the two
    provider accounts their emails go to."""
    from decimal import Decimal

    from accounts.models import User
    from credentials.models import Assessment, MicroCredential

    provider = world["providers"][0]
    for number in range(2):
        User.objects.create(email="staff%d@bench.example" % number, role="provider", organisation_id=provider)
    own = MicroCredential.objects.bulk_create(
        [MicroCredential(provider_id=provider, title="Bench due %d" % n) for n in range(count)], batch_size=5000,
    )
    window = 90 + 30  # opens 90 days before, lapses 30 days after
    entries = []
    for number in range(count):
        due_date = AS_OF - dt.timedelta(days=30) + dt.timedelta(days=number % window)
        entries.append(Assessment(
            reference=_world.reference_of(DUE_BASE + number), verification_code=_world.code_of(DUE_BASE + number),
            microcredential=own[number], provider_id=provider, status="current",
            title="Bench micro-credential %d" % number, level_id="OQF-9", credits=Decimal("4"),
            transfer_category="upper_division", subject_area="Bench", review_due_date=due_date,
            current_from=due_date.replace(year=due_date.year - 1), snapshot={"provider": "Bench College 0"},
            recommended_by_id=world["assessor"], signed_off_by_id=world["approver"],
        ))
    Assessment.objects.bulk_create(entries, batch_size=5000)


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - started, result


def sweeps(days, *, send=False, quiet=False):
    """The first sweep, `days` days' sweeps and the last day again, in a transaction rolled
    back; with `send`, the queued emails are then sent. ({...}, [day seconds])."""
    say = (lambda *args: None) if quiet else print
    from django.db import transaction

    from assessment import outbox
    from assessment.models import OutboxMessage
    from assessment.review import review_sweep

    report = {}
    try:
        with transaction.atomic():
            first_day = AS_OF - dt.timedelta(days=1)
            seconds, result = timed(review_sweep, as_of=first_day)
            say("  first sweep (%s): %.3f s: %s" % (first_day, seconds, result))
            times = []
            for offset in range(days):
                day = AS_OF + dt.timedelta(days=offset)
                seconds, result = timed(review_sweep, as_of=day)
                times.append(seconds)
                say("  sweep %s: %.1f ms: %s" % (day, seconds * 1000, result))
            rerun, result = timed(review_sweep, as_of=AS_OF + dt.timedelta(days=days - 1))
            assert (result.opened, result.reminded, result.lapsed) == (0, 0, 0), result
            say("  same day again: %.1f ms (nothing to do)" % (rerun * 1000))
            if send:
                pending = OutboxMessage.objects.filter(status="pending").count()
                seconds, sent = timed(outbox.outbox_flush, limit=pending)
                assert sent == pending, (sent, pending)
                report["mail"] = (sent, seconds)
                report["mail_floor"] = smtp_floor(OutboxMessage.objects.filter(status="sent").order_by("id"))
            raise Rollback
    except Rollback:
        pass
    return report, times


def smtp_floor(messages):
    """Messages a second smtplib alone sends over one connection to the same server: the same
    messages, built beforehand (the floor no sender over SMTP can beat)."""
    import smtplib
    from email.message import EmailMessage

    from django.conf import settings

    built = []
    for message in messages:
        email = EmailMessage()
        email["Subject"], email["From"], email["To"] = message.subject, settings.DEFAULT_FROM_EMAIL, message.recipient
        email.set_content(message.body_text)
        built.append((message.recipient, email.as_bytes().replace(b"\n", b"\r\n")))
    smtp = smtplib.SMTP(settings.EMAIL_HOST, settings.EMAIL_PORT)
    smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    started = time.perf_counter()
    for recipient, raw in built:
        smtp.sendmail(settings.DEFAULT_FROM_EMAIL, [recipient], raw)
    rate = len(built) / (time.perf_counter() - started)
    smtp.quit()
    return rate


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, timeout=20):
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    short = bool(os.environ.get("BENCHMARK_SHORT"))
    parser.add_argument("--small", type=int, default=5_000 if short else 100_000)
    parser.add_argument("--large", type=int, default=15_000 if short else 1_000_000)
    parser.add_argument("--due", type=int, default=150 if short else 1_000)
    parser.add_argument("--days", type=int, default=2 if short else 5)
    parser.add_argument("--database", default="bench_review")
    args = parser.parse_args()

    # The SMTP server in its own process, so it does not share this one's interpreter lock.
    smtp_port = free_port()
    smtp = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:%d" % smtp_port,
                             "-c", "aiosmtpd.handlers.Sink"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(smtp_port)
        # No broker: nothing is sent during the sweep (the send tasks are switched off below);
        # the flush sends afterwards over one connection.
        with _world.bench_database(args.database, REDIS_URL="", EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(smtp_port)):
            import logging

            logging.getLogger("assessment").setLevel(logging.WARNING)
            logging.getLogger("credentials").setLevel(logging.WARNING)
            from assessment import tasks

            tasks.outbox_send.delay = lambda *a, **k: None

            world = _world.people()
            due_entries_add(world, args.due)
            seconds = _world.assessments_add(world, 1, args.small - args.due + 1, letters=False)
            _world.analyze()
            print("%d assessments (%d in their review window) built in %.1f s" % (args.small, args.due, seconds))
            sweeps(args.days, quiet=True)  # warm-up, rolled back like the rest: a warm cache at each size
            _, small = sweeps(args.days)
            seconds = _world.assessments_add(world, args.small - args.due + 1, args.large - args.due + 1, letters=False)
            _world.analyze()
            print("grown to %d assessments in %.1f s" % (args.large, seconds))
            sweeps(args.days, quiet=True)
            report, large = sweeps(args.days, send=True)
    finally:
        smtp.terminate()
        smtp.wait()

    small_day, large_day = statistics.median(small), statistics.median(large)
    ratio = large_day / small_day
    sent, seconds = report["mail"]
    rate = sent / seconds
    print("day's sweep median: %.1f ms at %d, %.1f ms at %d: %.2f (target <= %g)"
          % (small_day * 1000, args.small, large_day * 1000, args.large, ratio, TARGET_RATIO))
    print("sent %d emails over one SMTP connection in %.2f s: %.0f messages/s (target >= %d);"
          " smtplib alone, the same messages built beforehand: %.0f/s"
          % (sent, seconds, rate, TARGET_MAIL, report["mail_floor"]))
    print("RESULT review_sweep %.2f <=%g %s" % (ratio, TARGET_RATIO, "met" if ratio <= TARGET_RATIO else "missed"))
    print("RESULT review_mail %.0f/s >=%d/s %s" % (rate, TARGET_MAIL, "met" if rate >= TARGET_MAIL else "missed"))


if __name__ == "__main__":
    main()

import os
import sys

from celery import Celery, signals
from celery.schedules import crontab

# A server runs the production settings unless told otherwise: they refuse to start without
# their secrets, where the development ones would run with DEBUG on and a made-up key.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The one beat schedule: each entry is a daily sweep, a plain service behind a task. Times are
# in the agency's time zone (CELERY_TIMEZONE). The sweeps add themselves here as they land.
app.conf.beat_schedule = {
    # Periodic review: opens review cases, sends the day's reminders, lapses and discontinues.
    # Early morning, so a reminder is in the provider's inbox when the day starts.
    "review-sweep": {"task": "assessment.tasks.review_sweep_task", "schedule": crontab(hour=5, minute=15)},
    # Early, before the agency's working day: assessors find their alerts when they start.
    "sla-sweep": {"task": "assessment.tasks.sla_sweep_task", "schedule": crontab(hour=6, minute=15)},
    # Not a sweep: sends what a worker left pending (it died after a commit, or SMTP was down).
    "outbox-flush": {"task": "assessment.tasks.outbox_flush_task", "schedule": 300.0},
    # Produces the letters whose task was lost (the broker was down at sign-off): within
    # LETTER_SWEEP_GRACE_MINUTES plus this interval of their decision.
    "letters-sweep": {"task": "assessment.tasks.letters_sweep_task", "schedule": 300.0},
}


@signals.celeryd_init.connect
def refuse_to_start_without_the_signing_key(**kwargs):
    """A worker signs letters, so it starts only with a key it can read that matches the
    certificate the web publishes: a fault found now is one message at start, not every
    letter left pending. (`celery worker` alone sends this signal: beat and the web never
    hold the key.)"""
    from credentials.letters.keys import SigningKeyUnavailable, signing_key_check

    try:
        signing_key_check()
    except SigningKeyUnavailable as exc:
        sys.exit("This worker cannot sign letters, so it does not start: %s" % exc)

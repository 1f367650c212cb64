"""Demo applications for seed_demo: a draft and a submitted case. Safe to run twice."""

from .models import Application
from .services import application_create, application_submit

# (micro-credential title, submit it?)
DEMO = [
    ("Applied Data Visualisation", True),
    ("Customer Service Excellence in Retail", False),
]


def seed_applications(microcredentials):
    for title, submit in DEMO:
        microcredential = microcredentials[title]
        if Application.objects.filter(microcredential=microcredential).exists():
            continue
        actor = microcredential.created_by
        application = application_create(actor=actor, microcredential=microcredential)
        if submit:
            application_submit(actor=actor, application=application)

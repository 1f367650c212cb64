"""What credentials tells the apps above it. credentials never imports the casework
(docs/architecture.md: assessment → credentials → accounts), so a change the casework must act on
is announced here and the casework connects to it in its AppConfig.ready."""

from django.dispatch import Signal

# Sent by services.assessment_revoke inside its transaction, after the row is written, with
# `assessment` (revoked, reason and date set) and `actor`. Receivers write in the same
# transaction (the outbox's email row), so a revocation and its notice commit together.
assessment_revoked = Signal()

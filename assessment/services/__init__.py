"""Every write of the casework, one module per sub-domain (as zulip's `zerver/actions/`):

- transitions: opening, submitting, withdrawing, claiming, assigning, asking and answering;
- decisions: the recommendation, its return and its sign-off;
- decision_letters: the signed letter of a declined case;
- clock_sweep: every open case's clock at once (the daily sweep, the recompute);
- calendar: closure days.

Callers keep `from assessment import services; services.application_submit(...)`: the
public names are re-exported here."""

from .calendar import closure_day_changed, closure_day_create, closure_day_delete, closure_day_update
from .clock_sweep import SlaSweepResult, open_clocks_recompute, sla_sweep
from .decision_letters import decision_letter_produce, decision_letter_queue
from .decisions import application_recommend, application_return, application_sign_off
from .transitions import (
    application_assign,
    application_claim,
    application_create,
    application_request_info,
    application_respond,
    application_submit,
    application_withdraw,
    internal_note_add,
)

__all__ = [
    "SlaSweepResult",
    "application_assign",
    "application_claim",
    "application_create",
    "application_recommend",
    "application_request_info",
    "application_respond",
    "application_return",
    "application_sign_off",
    "application_submit",
    "application_withdraw",
    "closure_day_changed",
    "closure_day_create",
    "closure_day_delete",
    "closure_day_update",
    "decision_letter_produce",
    "decision_letter_queue",
    "internal_note_add",
    "open_clocks_recompute",
    "sla_sweep",
]

"""The casework, by sub-domain: the case and its history (applications), what the casework
adds to it (information requests, recommendations, notes, decision letters), the outbox of
emails, and the agency's closure days.

Every model is imported here, so Django finds them and `from assessment.models import X`
names any of them.
"""

from .applications import Application, ApplicationEvent
from .calendar import ClosureDay
from .casework import DecisionLetter, InformationRequest, InternalNote, Recommendation
from .outbox import OutboxMessage

__all__ = [
    "Application",
    "ApplicationEvent",
    "ClosureDay",
    "DecisionLetter",
    "InformationRequest",
    "InternalNote",
    "OutboxMessage",
    "Recommendation",
]

from .case import FINAL_STATES, PHASES, Case, ConflictDeclaration, State, TimelineEvent
from .decisions import AgendaItem, Appeal, BoardMeeting, Decision, LegalBasis, Offer, Recommendation, Screening
from .evaluations import Evaluation
from .files import CaseFile
from .meeting_documents import MeetingDocument
from .money import FinalReport, JobReport, LedgerEntry, Payment, PaymentRequest
from .notifications import Notification

__all__ = [
    "FINAL_STATES",
    "PHASES",
    "AgendaItem",
    "Appeal",
    "BoardMeeting",
    "Case",
    "CaseFile",
    "ConflictDeclaration",
    "Decision",
    "Evaluation",
    "FinalReport",
    "JobReport",
    "LedgerEntry",
    "LegalBasis",
    "MeetingDocument",
    "Notification",
    "Offer",
    "Payment",
    "PaymentRequest",
    "Recommendation",
    "Screening",
    "State",
    "TimelineEvent",
]

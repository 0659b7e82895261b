from .case import FINAL_STATES, PHASES, Case, ConflictDeclaration, State, TimelineEvent
from .decisions import AgendaItem, Appeal, BoardMeeting, Decision, LegalBasis, Offer, Recommendation, Screening
from .files import CaseFile
from .meeting_documents import MeetingDocument
from .money import FinalReport, JobReport, LedgerEntry, Payment, PaymentRequest

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
    "FinalReport",
    "JobReport",
    "LedgerEntry",
    "LegalBasis",
    "MeetingDocument",
    "Offer",
    "Payment",
    "PaymentRequest",
    "Recommendation",
    "Screening",
    "State",
    "TimelineEvent",
]

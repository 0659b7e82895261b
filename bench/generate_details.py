"""The generator's second half: what happens on each case after it is submitted (see
``bench/generate.py`` for the rules the rows follow)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from bench.generate import EVENT_CASE_EVENTS, OFFER_STATES, PATHS, Generator, Plan

# The action a case's timeline records on arriving in each state (workflow.timeline's codes), as
# the services would have written it.
ARRIVAL_ACTIONS = {
    "submitted": "case.submitted",
    "screening": "case.taken",
    "returned": "case.returned",
    "dismissed": "case.dismissed",
    "recommended": "case.recommended",
    "on_agenda": "case.placed_on_agenda",
    "approved": "decision.approved",
    "rejected": "decision.rejected",
    "appealed": "case.appealed",
    "withdrawn": "case.withdrawn",
    "declined": "offer.declined",
    "accepted": "offer.accepted",
    "reporting": "final_report.filed",
    "lapsed": "offer.lapsed",
    "cancelled": "offer.cancelled",
    "completed": "case.completed",
    "closed": "case.closed",
}


def _arrival_data(plan: Plan, state: str, path: list[str]) -> dict[str, Any]:
    """What the words of the arrival's action need (workflow.timeline), as the services write it."""
    if state == "recommended":
        return {"outcome": "reject" if "rejected" in path else "approve"}
    if state == "on_agenda" and plan.meeting_date:
        return {"meeting_title": "", "programme": plan.programme.code, "meeting_date": plan.meeting_date.isoformat()}
    if state == "approved":
        return {"amount": str(plan.amount), "share": "50.00"}
    return {}


def case_details(gen: Generator, plans: list[Plan], cases: list[Any]) -> None:
    """Everything on the cases: timeline, screening, recommendation, decision, offer, ledger,
    requests and payments, reports, appeals; then the case with 50 events."""
    from workflow.models import (
        Appeal,
        Decision,
        FinalReport,
        JobReport,
        LedgerEntry,
        Offer,
        Payment,
        PaymentRequest,
        Recommendation,
        Screening,
        TimelineEvent,
    )

    events, screenings, recommendations, decisions, decision_plans = [], [], [], [], []
    for plan, case in zip(plans, cases, strict=True):
        path = PATHS[plan.state]
        advisers = gen.advisers.get(plan.municipality.pk) or gen.admins[plan.programme.pk]
        adviser = advisers[case.pk % len(advisers)]
        plan.extra["adviser"] = adviser
        previous = ""
        for state, moment in zip(path, plan.times, strict=True):
            actor = plan.applicant if state in ("submitted", "withdrawn", "accepted", "declined") else adviser
            if state in ("approved", "rejected", "lapsed", "completed", "closed"):
                actor = None
            events.append(
                TimelineEvent(
                    case=case,
                    kind="transition",
                    action=ARRIVAL_ACTIONS[state],
                    data=_arrival_data(plan, state, path),
                    actor=actor,
                    from_state=previous,
                    to_state=state,
                    created_at=moment,
                )
            )
            previous = state
        if len(path) > 1:
            screenings.append(
                Screening(
                    case=case,
                    adviser=adviser,
                    participating_municipality=True,
                    focus_area_fits=True,
                    beside_core_business=True,
                    support_share_ok=True,
                    de_minimis_ok=True,
                )
            )
        if "recommended" in path:
            recommendations.append(
                Recommendation(
                    case=case,
                    adviser=adviser,
                    outcome="approve",
                    amount=plan.amount,
                    assessment="Godt prosjekt.",
                    created_at=plan.times[path.index("recommended")],
                )
            )
        decided = next((s for s in ("approved", "rejected", "dismissed") if s in path), None)
        if decided:
            meeting = gen.meetings.get((plan.programme.pk, plan.meeting_date)) if decided != "dismissed" else None
            outcome = {"approved": "approve", "rejected": "reject", "dismissed": "dismiss"}[decided]
            decisions.append(
                Decision(
                    case=case,
                    meeting=meeting,
                    outcome=outcome,
                    amount=plan.amount if outcome == "approve" else None,
                    legal_basis="de_minimis" if outcome == "approve" else "",
                    reasons="Vurdert etter programmets regler.",
                    decided_by=None if meeting else adviser,
                    decided_at=plan.times[path.index(decided)],
                )
            )
            decision_plans.append((plan, case))
    gen.bulk(Screening, screenings)
    gen.bulk(Recommendation, recommendations)
    decisions = gen.bulk(Decision, decisions)

    offers, ledger, appeals, requests, final_reports, job_reports = [], [], [], [], [], []
    payment_plans: list[tuple[Any, Any, Payment, datetime]] = []
    for decision, (plan, case) in zip(decisions, decision_plans, strict=True):
        path = PATHS[plan.state]
        if plan.state == "appealed":
            appeals.append(
                Appeal(
                    case=case,
                    decision=decision,
                    text="Vi mener vedtaket er feil.",
                    filed_by=plan.applicant,
                    filed_at=plan.times[-1],
                )
            )
        if plan.state not in OFFER_STATES:
            continue
        decided_at = plan.times[path.index("approved")]
        decided_on = decided_at.date()
        budget_year = gen.budget_years[(plan.programme.pk, decided_at.year)]
        end = decided_on + timedelta(days=365)
        if "reporting" in path:
            end = plan.times[path.index("reporting")].date() - timedelta(days=10)
        accepted_at = plan.times[path.index("accepted")] if "accepted" in path else None
        offers.append(
            Offer(
                case=case,
                decision=decision,
                budget_year=budget_year,
                amount=plan.amount,
                support_share=Decimal("50"),
                holdback_amount=(plan.amount * Decimal("0.25")).quantize(Decimal("1")),
                legal_basis="de_minimis",
                amount_eur=(plan.amount / Decimal("11.5")).quantize(Decimal("0.01")),
                accept_by=decided_on + timedelta(days=plan.programme.acceptance_days),
                start_by=(accepted_at.date() + timedelta(days=182)) if accepted_at else None,
                final_report_due=end + timedelta(days=60),
                expires_on=end + timedelta(days=182),
                accepted_at=accepted_at,
                public_register_required=False,
            )
        )
        ledger.append(
            LedgerEntry(
                budget_year=budget_year,
                case=case,
                kind="commit",
                amount=plan.amount,
                booked_on=decided_on,
                created_at=decided_at,
                note="Tilsagn",
            )
        )
        paid = Decimal("0")
        if accepted_at and plan.state != "accepted" or (accepted_at and case.pk % 2 == 0):
            # A part payment of 40 % some weeks after acceptance (before any final report).
            part = (plan.amount * Decimal("0.4")).quantize(Decimal("1"))
            moment = accepted_at + timedelta(days=20)
            if moment < plan.times[-1] or plan.state == "accepted":
                moment = min(moment, gen.now - timedelta(days=1))
                request = PaymentRequest(
                    case=case,
                    amount=part,
                    costs_to_date=part * 2,
                    report="Fremdrift etter plan.",
                    status="paid",
                    created_by=plan.applicant,
                    created_at=moment - timedelta(days=5),
                )
                requests.append(request)
                payment_plans.append((plan, case, Payment(case=case, amount=part, paid_on=moment.date()), moment))
                paid += part
        if "reporting" in path:
            reported_at = plan.times[path.index("reporting")]
            final_reports.append(
                FinalReport(case=case, text="Prosjektet er gjennomført.", filed_by=plan.applicant, filed_at=reported_at)
            )
            rest = plan.amount - paid
            final_paid = "completed" in path
            request = PaymentRequest(
                case=case,
                is_final=True,
                amount=rest,
                costs_to_date=plan.amount * 2,
                report="Sluttrapport levert.",
                status="paid" if final_paid else "pending",
                created_by=plan.applicant,
                created_at=reported_at,
            )
            requests.append(request)
            if final_paid:
                completed_at = plan.times[path.index("completed")]
                payment = Payment(case=case, amount=rest, is_final=True, paid_on=completed_at.date())
                payment_plans.append((plan, case, payment, completed_at))
                paid += rest
        if plan.state in ("declined", "lapsed", "cancelled"):
            ledger.append(
                LedgerEntry(
                    budget_year=budget_year,
                    case=case,
                    kind="release",
                    amount=plan.amount - paid,
                    booked_on=plan.times[-1].date(),
                    created_at=plan.times[-1],
                    note="Frigitt",
                )
            )
        if plan.state == "closed":
            completed_on = plan.times[path.index("completed")].date()
            for months in (12, 24):
                job_reports.append(
                    JobReport(
                        case=case,
                        period_months=months,
                        new_jobs=Decimal(gen.rng.randint(0, 5)),
                        jobs_secured=Decimal(gen.rng.randint(0, 8)),
                        reported_on=completed_on + timedelta(days=months * 30 + 5),
                        reported_by=plan.applicant,
                    )
                )
    gen.bulk(Offer, offers)
    gen.bulk(Appeal, appeals)
    gen.bulk(FinalReport, final_reports)
    gen.bulk(JobReport, job_reports)
    requests = gen.bulk(PaymentRequest, requests)
    paid_requests = [request for request in requests if request.status == "paid"]
    payments = []
    for request, (plan, _case, payment, moment) in zip(paid_requests, payment_plans, strict=True):
        payment.request = request
        payment.registered_at = moment
        payment.registered_by = gen.admins[plan.programme.pk][0]
        payments.append(payment)
    payments = gen.bulk(Payment, payments)
    for payment, (plan, case, _payment, moment) in zip(payments, payment_plans, strict=True):
        offer_year = plan.times[PATHS[plan.state].index("approved")].year
        budget_year = gen.budget_years[(plan.programme.pk, offer_year)]
        ledger.append(
            LedgerEntry(
                budget_year=budget_year,
                case=case,
                kind="disburse",
                amount=payment.amount,
                booked_on=payment.paid_on,
                created_at=moment,
                payment=payment,
                created_by=payment.registered_by,
                note="Utbetaling",
            )
        )
        events.append(
            TimelineEvent(
                case=case,
                kind="money",
                action="payment.registered",
                data={"amount": str(payment.amount), "final": payment.is_final, "payment_id": payment.pk},
                actor=payment.registered_by,
                created_at=moment,
            )
        )
    gen.bulk(LedgerEntry, ledger)
    add_event_case(plans, cases, events)
    gen.bulk(TimelineEvent, events)


def add_event_case(plans: list[Plan], cases: list[Any], events: list[Any]) -> None:
    """One case of programme B001 with a long history: rename it and add staff notes up to
    ``EVENT_CASE_EVENTS`` timeline events."""
    from workflow.models import Case, TimelineEvent

    candidates = [(plan, case) for plan, case in zip(plans, cases, strict=True) if plan.programme.code == "B001"]
    plan, case = next(
        ((p, c) for p, c in candidates if p.state == "accepted"),
        next(((p, c) for p, c in candidates if p.state != "on_agenda"), candidates[-1]),
    )
    Case.objects.filter(pk=case.pk).update(reference="B001-EVENTS")
    notes = EVENT_CASE_EVENTS - sum(1 for event in events if event.case is case)
    start = plan.times[0]
    span = (plan.times[-1] - start) / (notes + 1)
    for index in range(notes):
        events.append(
            TimelineEvent(
                case=case,
                kind="note",
                action="note.added",
                actor=plan.extra["adviser"],
                comment=f"Notat {index + 1}: samtale med søker om fremdrift og budsjett.",
                staff_only=index % 2 == 0,
                created_at=start + span * (index + 1),
            )
        )

"""The permission matrix (issue 7): every route of the site, by every role, on side A and on
side B, gives the status written below — and a route without an entry fails the run.

Sides (tests/security/world.py): A is company A / municipality X / programme NUP, B is company B /
municipality Y / programme OTH for routes keyed by a programme code.  applicant_a and adviser_a
own A, applicant_b and adviser_b own B; board_member and admin belong to NUP (own A), other_admin
to OTH (own B where the route is keyed by programme, a stranger everywhere else).

Each entry says what GET gives and, for routes that take a POST, what a POST with an empty body
gives.  Each request runs in a savepoint that is rolled back, so one role's successful action
does not change what the next role sees."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from tests.security import routes
from tests.security.world import MatrixWorld, build_matrix_world
from tests.storage import storages_in
from workflow.models import Case

# fmt: off
# Each route: (GET, POST with an empty body); each cell is side A / side B, by role in the order
# of ROLES. L = redirect to the login page; a trailing ! = the request moved the case to
# another state (the action was performed: only for a role that may act).
MATRIX: dict[str, tuple[str, str]] = {
    #  anonymous appl_a    appl_b    advis_a   advis_b   board     oth_adm   admin
    "account": (
        "L/L       200/200   200/200   200/200   200/200   200/200   200/200   200/200",
        "L/L       200/200   200/200   200/200   200/200   200/200   200/200   200/200",
    ),
    "applications:application_attachments": (
        "L/L       200/404   404/200   404/404   404/404   404/404   404/404   404/404",
        "L/L       302/404   404/302   404/404   404/404   404/404   404/404   404/404",
    ),
    "applications:application_company": (
        "L/L       200/404   404/200   404/404   404/404   404/404   404/404   404/404",
        "L/L       200/404   404/200   404/404   404/404   404/404   404/404   404/404",
    ),
    "applications:application_costs": (
        "L/L       200/404   404/200   404/404   404/404   404/404   404/404   404/404",
        "L/L       200/404   404/200   404/404   404/404   404/404   404/404   404/404",
    ),
    "applications:application_costs_preview": (
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
        "L/L       200/404   404/200   404/404   404/404   404/404   404/404   404/404",
    ),
    "applications:application_declarations": (
        "L/L       200/404   404/200   404/404   404/404   404/404   404/404   404/404",
        "L/L       200/404   404/200   404/404   404/404   404/404   404/404   404/404",
    ),
    "applications:application_effects": (
        "L/L       200/404   404/200   404/404   404/404   404/404   404/404   404/404",
        "L/L       302/404   404/302   404/404   404/404   404/404   404/404   404/404",
    ),
    "applications:application_project": (
        "L/L       200/404   404/200   404/404   404/404   404/404   404/404   404/404",
        "L/L       302/404   404/302   404/404   404/404   404/404   404/404   404/404",
    ),
    "applications:application_review": (
        "L/L       200/404   404/200   404/404   404/404   404/404   404/404   404/404",
        "L/L       200/404   404/200   404/404   404/404   404/404   404/404   404/404",
    ),
    "applications:application_start": (
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
        "L/L       302/404   404/302   404/404   404/404   404/404   404/404   404/404",
    ),
    "applications:attachment_delete": (
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
        "L/L       404/404   404/404   404/404   404/404   404/404   404/404   404/404",
    ),
    "applications:companies": (
        "L/L       200/200   200/200   200/200   200/200   200/200   200/200   200/200",
        "L/L       200/200   200/200   200/200   200/200   200/200   200/200   200/200",
    ),
    "applications:company": (
        "L/L       200/404   404/200   404/404   404/404   404/404   404/404   404/404",
        "L/L       200/404   404/200   404/404   404/404   404/404   404/404   404/404",
    ),
    "applications:company_create": (
        "L/L       200/200   200/200   200/200   200/200   200/200   200/200   200/200",
        "L/L       200/200   200/200   200/200   200/200   200/200   200/200   200/200",
    ),
    "applications:company_invite": (
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
        "L/L       200/404   404/200   404/404   404/404   404/404   404/404   404/404",
    ),
    "applications:company_join": (
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
        "L/L       302/302   302/302   302/302   302/302   302/302   302/302   302/302",
    ),
    "applications:invitation_accept": (
        "200/200   200/200   200/200   200/200   200/200   200/200   200/200   200/200",
        "200/200   200/200   200/200   200/200   200/200   200/200   200/200   200/200",
    ),
    "applications:membership_request_decide": (
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
        "L/L       302/404   404/302   404/404   404/404   404/404   404/404   404/404",
    ),
    "board:agenda_add": (
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
        "L/L       404/404   404/404   404/404   404/404   400/404   404/400   400/404",
    ),
    "board:agenda_move": (
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
        "L/L       404/404   404/404   404/404   404/404   302/404   404/404   302/404",
    ),
    "board:decision_approve": (
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
        "L/L       404/404   404/404   404/404   404/404   400/404   404/404   400/404",
    ),
    "board:decision_defer": (
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
        "L/L       404/404   404/404   404/404   404/404   302!/404  404/404   409/404",
    ),
    "board:decision_reject": (
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
        "L/L       404/404   404/404   404/404   404/404   400/404   404/404   400/404",
    ),
    "board:document_download": (
        "L/L       404/404   404/404   404/404   404/404   404/404   404/404   404/404",
        "L/L       404/404   404/404   404/404   404/404   404/404   404/404   404/404",
    ),
    "board:document_make": (
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
        "L/L       404/404   404/404   404/404   404/404   302/404   404/302   302/404",
    ),
    "board:documents": (
        "L/L       404/404   404/404   404/404   404/404   200/404   404/200   200/404",
        "L/L       404/404   404/404   404/404   404/404   200/404   404/200   200/404",
    ),
    "board:meeting": (
        "L/L       404/404   404/404   404/404   404/404   200/404   404/200   200/404",
        "L/L       404/404   404/404   404/404   404/404   200/404   404/200   200/404",
    ),
    "board:meeting_members": (
        "L/L       404/404   404/404   404/404   404/404   200/404   404/200   200/404",
        "L/L       404/404   404/404   404/404   404/404   302/404   404/302   302/404",
    ),
    "board:meetings": (
        "L/L       404/404   404/404   404/404   404/404   200/404   404/200   200/404",
        "L/L       404/404   404/404   404/404   404/404   400/404   404/400   400/404",
    ),
    "healthz": (
        "200/200   200/200   200/200   200/200   200/200   200/200   200/200   200/200",
        "200/200   200/200   200/200   200/200   200/200   200/200   200/200   200/200",
    ),
    "home": (
        "200/200   302/302   302/302   302/302   302/302   302/302   302/302   302/302",
        "200/200   302/302   302/302   302/302   302/302   302/302   302/302   302/302",
    ),
    "login": (
        "200/200   200/200   200/200   200/200   200/200   200/200   200/200   200/200",
        "200/200   200/200   200/200   200/200   200/200   200/200   200/200   200/200",
    ),
    # The code step of two-factor login: without a password just given, back to the login.
    "login_code": (
        "L/L       L/L       L/L       L/L       L/L       L/L       L/L       L/L",
        "L/L       L/L       L/L       L/L       L/L       L/L       L/L       L/L",
    ),
    "logout": (
        "405/405   405/405   405/405   405/405   405/405   405/405   405/405   405/405",
        "302/302   302/302   302/302   302/302   302/302   302/302   302/302   302/302",
    ),
    "notifications:list": (
        "L/L       200/200   200/200   200/200   200/200   200/200   200/200   200/200",
        "L/L       200/200   200/200   200/200   200/200   200/200   200/200   200/200",
    ),
    "notifications:read": (
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
        "L/L       302/404   404/302   404/404   404/404   404/404   404/404   404/404",
    ),
    "notifications:read_all": (
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
        "L/L       302/302   302/302   302/302   302/302   302/302   302/302   302/302",
    ),
    "password_change": (
        "L/L       200/200   200/200   200/200   200/200   200/200   200/200   200/200",
        "L/L       200/200   200/200   200/200   200/200   200/200   200/200   200/200",
    ),
    "password_reset": (
        "200/200   200/200   200/200   200/200   200/200   200/200   200/200   200/200",
        "200/200   200/200   200/200   200/200   200/200   200/200   200/200   200/200",
    ),
    "password_reset_complete": (
        "200/200   200/200   200/200   200/200   200/200   200/200   200/200   200/200",
        "405/405   405/405   405/405   405/405   405/405   405/405   405/405   405/405",
    ),
    "password_reset_confirm": (
        "200/200   200/200   200/200   200/200   200/200   200/200   200/200   200/200",
        "200/200   200/200   200/200   200/200   200/200   200/200   200/200   200/200",
    ),
    "password_reset_done": (
        "200/200   200/200   200/200   200/200   200/200   200/200   200/200   200/200",
        "405/405   405/405   405/405   405/405   405/405   405/405   405/405   405/405",
    ),
    "public:granted_support": (
        "200/200   200/200   200/200   200/200   200/200   200/200   200/200   200/200",
        "405/405   405/405   405/405   405/405   405/405   405/405   405/405   405/405",
    ),
    "public:granted_support_csv": (
        "200/200   200/200   200/200   200/200   200/200   200/200   200/200   200/200",
        "405/405   405/405   405/405   405/405   405/405   405/405   405/405   405/405",
    ),
    "public:granted_support_xlsx": (
        "200/200   200/200   200/200   200/200   200/200   200/200   200/200   200/200",
        "405/405   405/405   405/405   405/405   405/405   405/405   405/405   405/405",
    ),
    "resend_verification": (
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
        "L/L       302/302   302/302   302/302   302/302   302/302   302/302   302/302",
    ),
    # The language button: a POST for everyone (an empty one changes nothing and goes back).
    "set_language": (
        "405/405   405/405   405/405   405/405   405/405   405/405   405/405   405/405",
        "302/302   302/302   302/302   302/302   302/302   302/302   302/302   302/302",
    ),
    "signup": (
        "200/200   302/302   302/302   302/302   302/302   302/302   302/302   302/302",
        "200/200   302/302   302/302   302/302   302/302   302/302   302/302   302/302",
    ),
    "staff:case_detail": (
        "L/L       404/404   404/404   200/404   404/200   200/200   404/404   200/200",
        "L/L       404/404   404/404   200/404   404/200   200/200   404/404   200/200",
    ),
    "staff:case_dismiss": (
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
        "L/L       404/404   404/404   400/404   404/400   409/409   404/404   409/409",
    ),
    "staff:case_note_add": (
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
        "L/L       404/404   404/404   400/404   404/400   400/400   404/404   400/400",
    ),
    "staff:case_reopen": (
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
        "L/L       404/404   404/404   409/404   404/409   409/409   404/404   409/409",
    ),
    "staff:case_return": (
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
        "L/L       404/404   404/404   400/404   404/400   409/409   404/404   409/409",
    ),
    "staff:case_take": (
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
        "L/L       404/404   404/404   302!/404  404/302!  409/409   404/404   409/409",
    ),
    "staff:conflict_declare": (
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
        "L/L       404/404   404/404   400/404   404/400   400/400   404/404   400/400",
    ),
    "staff:recommendation_record": (
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
        "L/L       404/404   404/404   400/404   404/400   409/409   404/404   409/409",
    ),
    "staff:screening_save": (
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
        "L/L       404/404   404/404   302/404   404/302   409/409   404/404   409/409",
    ),
    "staff_admin:budget": (
        "L/L       404/404   404/404   404/404   404/404   404/404   404/404   200/404",
        "L/L       404/404   404/404   404/404   404/404   404/404   404/404   200/404",
    ),
    "staff_admin:budget_year_add": (
        "L/L       404/404   404/404   404/404   404/404   404/404   404/200   200/404",
        "L/L       404/404   404/404   404/404   404/404   404/404   404/400   400/404",
    ),
    "staff_admin:budget_latest": (
        "L/L       404/404   404/404   404/404   404/404   404/404   404/302   302/404",
        "L/L       404/404   404/404   404/404   404/404   404/404   404/302   302/404",
    ),
    "staff_admin:evaluation": (
        "L/L       404/404   404/404   404/404   404/404   404/404   404/200   200/404",
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
    ),
    "staff_admin:evaluation_json": (
        "L/L       404/404   404/404   404/404   404/404   404/404   404/404   404/404",
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
    ),
    "staff_admin:evaluation_pdf": (
        "L/L       404/404   404/404   404/404   404/404   404/404   404/404   404/404",
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
    ),
    "staff_admin:evaluation_status": (
        "L/L       404/404   404/404   404/404   404/404   404/404   404/200   200/404",
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
    ),
    "staff_admin:evaluations": (
        "L/L       404/404   404/404   404/404   404/404   404/404   404/200   200/404",
        "L/L       404/404   404/404   404/404   404/404   404/404   404/400   400/404",
    ),
    "staff_admin:final_report_return": (
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
        "L/L       404/404   404/404   404/404   404/404   404/404   404/404   400/404",
    ),
    "staff_admin:job_outcomes": (
        "L/L       404/404   404/404   404/404   404/404   404/404   404/200   200/404",
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
    ),
    "staff_admin:job_report_on_behalf": (
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
        "L/L       404/404   404/404   404/404   404/404   404/404   404/404   302/404",
    ),
    "staff_admin:job_reports_export": (
        "L/L       404/404   404/404   404/404   404/404   404/404   404/200   200/404",
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
    ),
    "staff_admin:payment_register": (
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
        "L/L       404/404   404/404   404/404   404/404   404/404   404/404   400/404",
    ),
    "staff_admin:payment_request_refuse": (
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
        "L/L       404/404   404/404   404/404   404/404   404/404   404/404   404/404",
    ),
    "staff_admin:payments": (
        "L/L       404/404   404/404   404/404   404/404   404/404   404/200   200/404",
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
    ),
    "staff_admin:payments_export": (
        "L/L       404/404   404/404   404/404   404/404   404/404   404/200   200/404",
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
    ),
    "staff_admin:portfolio_import": (
        "L/L       404/404   404/404   404/404   404/404   404/404   404/200   200/404",
        "L/L       404/404   404/404   404/404   404/404   404/404   404/400   400/404",
    ),
    "staff_admin:public_register": (
        "L/L       404/404   404/404   404/404   404/404   404/404   404/200   200/404",
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
    ),
    "staff_admin:public_register_export": (
        "L/L       404/404   404/404   404/404   404/404   404/404   404/200   200/404",
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
    ),
    "staff_admin:public_register_mark": (
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
        "L/L       404/404   404/404   404/404   404/404   404/404   404/404   404/404",
    ),
    # Two-factor login: staff only (404 to applicants); with it off, the pages for it on send
    # back to the account page (302), and the backup codes are shown once, after they are made.
    "two_factor_backup_codes": (
        "L/L       404/404   404/404   302/302   302/302   302/302   302/302   302/302",
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
    ),
    "two_factor_backup_codes_renew": (
        "L/L       404/404   404/404   302/302   302/302   302/302   302/302   302/302",
        "L/L       404/404   404/404   302/302   302/302   302/302   302/302   302/302",
    ),
    "two_factor_disable": (
        "L/L       404/404   404/404   302/302   302/302   302/302   302/302   302/302",
        "L/L       404/404   404/404   302/302   302/302   302/302   302/302   302/302",
    ),
    "two_factor_setup": (
        "L/L       404/404   404/404   200/200   200/200   200/200   200/200   200/200",
        "L/L       404/404   404/404   200/200   200/200   200/200   200/200   200/200",
    ),
    "verify_email": (
        "400/400   400/400   400/400   400/400   400/400   400/400   400/400   400/400",
        "400/400   400/400   400/400   400/400   400/400   400/400   400/400   400/400",
    ),
    "workflow:application_submit": (
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
        "L/L       302/404   404/302   404/404   404/404   404/404   404/404   404/404",
    ),
    "workflow:attachment_download": (
        "L/L       200/404   404/200   200/404   404/200   200/200   404/404   200/200",
        "L/L       200/404   404/200   200/404   404/200   200/200   404/404   200/200",
    ),
    "workflow:case_appeal": (
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
        "L/L       400/404   404/400   302/404   404/302   302/302   404/404   302/302",
    ),
    "workflow:case_detail": (
        "L/L       200/404   404/200   200/404   404/200   200/200   404/404   200/200",
        "L/L       200/404   404/200   200/404   404/200   200/200   404/404   200/200",
    ),
    "workflow:case_file_download": (
        "L/L       200/404   404/200   200/404   404/200   200/200   404/404   200/200",
        "L/L       200/404   404/200   200/404   404/200   200/200   404/404   200/200",
    ),
    "workflow:case_resubmit": (
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
        "L/L       302!/404  404/302!  302/404   404/302   302/302   404/404   302/302",
    ),
    "workflow:case_withdraw": (
        "L/L       200/404   404/200   302/404   404/302   302/302   404/404   302/302",
        "L/L       302!/404  404/302!  302/404   404/302   302/302   404/404   302/302",
    ),
    "workflow:final_report_file": (
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
        "L/L       400/404   404/400   302/404   404/302   302/302   404/404   302/302",
    ),
    "workflow:job_report_file": (
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
        "L/L       302/404   404/302   302/404   404/302   302/302   404/404   302/302",
    ),
    "workflow:my_cases": (
        "L/L       200/200   200/200   200/200   200/200   200/200   200/200   200/200",
        "L/L       200/200   200/200   200/200   200/200   200/200   200/200   200/200",
    ),
    "workflow:offer_accept": (
        "L/L       200/404   404/200   302/404   404/302   302/302   404/404   302/302",
        "L/L       302!/404  404/302!  302/404   404/302   302/302   404/404   302/302",
    ),
    "workflow:offer_decline": (
        "L/L       200/404   404/200   302/404   404/302   302/302   404/404   302/302",
        "L/L       302!/404  404/302!  302/404   404/302   302/302   404/404   302/302",
    ),
    "workflow:payment_request_create": (
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
        "L/L       400/404   404/400   302/404   404/302   302/302   404/404   302/302",
    ),
    "worklist:export": (
        "L/L       404/404   404/404   200/200   200/200   200/200   200/200   200/200",
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
    ),
    "worklist:list": (
        "L/L       404/404   404/404   200/200   200/200   200/200   200/200   200/200",
        "L/L       405/405   405/405   405/405   405/405   405/405   405/405   405/405",
    ),
}
# fmt: on

ROLES = ("anonymous", "applicant_a", "applicant_b", "adviser_a", "adviser_b", "board_member", "other_admin", "admin")


@pytest.fixture(scope="module")
def mworld(django_db_setup: None, django_db_blocker, tmp_path_factory) -> Iterator[MatrixWorld]:
    storage = storages_in(tmp_path_factory.mktemp("private"))
    with override_settings(STORAGES=storage), django_db_blocker.unblock(), transaction.atomic():
        yield build_matrix_world()
        transaction.set_rollback(True)


def _clients(mw: MatrixWorld) -> dict[str, Client]:
    clients = {}
    for role in ROLES:
        client = Client(raise_request_exception=False)
        if role != "anonymous":
            client.force_login(getattr(mw.world, role))
        clients[role] = client
    return clients


def _status(response) -> str:
    if response.status_code == 302 and "/logg-inn/" in response["Location"]:
        return "L"
    return str(response.status_code)


def _state(reference: str | None) -> str | None:
    return Case.objects.filter(reference=reference).values_list("state", flat=True).first() if reference else None


def _observe(client: Client, method: str, url: str, reference: str | None) -> str:
    """The status, with "!" added when the request moved the route's case to another state."""
    with transaction.atomic():
        if method == "get":
            response, changed = client.get(url), False
        else:
            before = _state(reference)
            response = client.post(url, {})
            changed = _state(reference) != before
        transaction.set_rollback(True)
    return f"{_status(response)}{'!' if changed else ''}"


def observed(mw: MatrixWorld, name: str) -> dict[str, dict[str, tuple]]:
    params = routes.route_params()[name]
    args = {side: routes.kwargs_for(name, params, getattr(mw, side)) for side in ("a", "b")}
    urls = {side: reverse(name, kwargs=args[side]) for side in ("a", "b")}
    clients = _clients(mw)
    result: dict[str, dict[str, tuple]] = {"get": {}, "post": {}}
    for method in ("get", "post"):
        for role in ROLES:
            result[method][role] = tuple(
                _observe(clients[role], method, urls[side], args[side].get("reference")) for side in ("a", "b")
            )
    return result


def _expected(name: str) -> dict[str, dict[str, tuple[str, ...]]]:
    get, post = MATRIX[name]
    return {
        method: {role: tuple(cell.split("/")) for role, cell in zip(ROLES, row.split(), strict=True)}
        for method, row in (("get", get), ("post", post))
    }


def test_every_route_has_an_entry_and_every_entry_a_route() -> None:
    names = set(routes.route_names())
    assert sorted(names - MATRIX.keys()) == [], "routes without an entry in MATRIX: write what each role gets"
    assert sorted(MATRIX.keys() - names) == [], "MATRIX names routes that no longer exist"


def test_a_route_added_without_an_entry_is_caught() -> None:
    with override_settings(ROOT_URLCONF="tests.security.urls_with_an_unlisted_route"):
        assert set(routes.route_names()) - MATRIX.keys() == {"unlisted_route"}


def test_matrix_rows_are_well_formed() -> None:
    for name, rows in MATRIX.items():
        for row in rows:
            cells = row.split()
            assert len(cells) == len(ROLES), name
            for cell in cells:
                assert len(cell.split("/")) == 2, (name, cell)
                assert "500" not in cell, f"{name}: a 500 is never expected"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_route_gives_each_role_what_the_matrix_says(mworld: MatrixWorld, name: str) -> None:
    seen, expected = observed(mworld, name), _expected(name)
    differences = [
        f"{method.upper()} by {role}: expected {'/'.join(expected[method][role])}, got {'/'.join(seen[method][role])}"
        for method in ("get", "post")
        for role in ROLES
        if seen[method][role] != expected[method][role]
    ]
    assert differences == [], name


@pytest.mark.django_db
def test_worklist_export_holds_only_the_cases_the_person_may_see(mworld: MatrixWorld) -> None:
    """The worklist answers 200 to every staff member (matrix above); its rows are still scoped."""
    a_refs = {case.reference for case in mworld.a.cases.values()}
    b_refs = {case.reference for case in mworld.b.cases.values()}
    clients = _clients(mworld)
    url = reverse("worklist:export", kwargs={"fmt": "csv"})

    def references(role: str) -> set[str]:
        response = clients[role].get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        return {ref for ref in a_refs | b_refs if ref in body.decode()}

    assert references("adviser_a") == a_refs
    assert references("adviser_b") == b_refs
    assert references("other_admin") == set()
    assert references("admin") == a_refs | b_refs


@pytest.mark.skipif(not os.environ.get("MATRIX_RECORD"), reason="a tool: prints observed rows for review")
@pytest.mark.django_db
def test_record(mworld: MatrixWorld) -> None:
    """``MATRIX_RECORD=1 pytest -s -k test_record`` prints what every route gives now, to review."""
    for name in routes.route_names():
        seen = observed(mworld, name)
        rows = [" ".join("/".join(seen[m][role]) for role in ROLES) for m in ("get", "post")]
        print(f'    "{name}": ("{rows[0]}", "{rows[1]}"),')  # noqa: T201

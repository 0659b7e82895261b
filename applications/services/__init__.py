"""Every write on companies and applications.  Submitting an application starts a case and
so lives in ``workflow.services``.

Import from here (``from applications import services``); the modules split the writes along
the domain's lines: ``companies`` (the company, its people, requests to join, invitations),
``drafting`` (the application and its lists of lines), ``files`` (attachments and telling a
file's type by its content)."""

from applications.services.companies import (
    COMPANY_FIELDS,
    company_create,
    company_member_add,
    company_update,
    invitation_accept,
    invitation_check,
    invitation_create,
    membership_request_create,
    membership_request_decide,
    org_number_clean,
)
from applications.services.drafting import (
    APPLICATION_FIELDS,
    LINES_MAX,
    application_budget_save,
    application_company_save,
    application_create,
    application_declarations_save,
    application_update,
    cost_line_add,
    cost_lines_replace,
    financing_line_add,
    financing_lines_replace,
    support_declaration_add,
    support_declarations_replace,
)
from applications.services.files import attachment_add, attachment_delete, sniff_content_type
from programme.errors import InputError, InputViolation

__all__ = [
    "APPLICATION_FIELDS",
    "COMPANY_FIELDS",
    "LINES_MAX",
    "InputError",
    "InputViolation",
    "application_budget_save",
    "application_company_save",
    "application_create",
    "application_declarations_save",
    "application_update",
    "attachment_add",
    "attachment_delete",
    "company_create",
    "company_member_add",
    "company_update",
    "cost_line_add",
    "cost_lines_replace",
    "financing_line_add",
    "financing_lines_replace",
    "invitation_accept",
    "invitation_check",
    "invitation_create",
    "membership_request_create",
    "membership_request_decide",
    "org_number_clean",
    "sniff_content_type",
    "support_declaration_add",
    "support_declarations_replace",
]

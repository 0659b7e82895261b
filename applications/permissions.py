"""Who may act for a company and see its applications."""

from __future__ import annotations

from typing import Any

import rules


def is_company_member(user: Any, company: Any) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return company.memberships.filter(user_id=user.pk).exists()


@rules.predicate
def is_member(user: Any, company: Any) -> bool:
    return is_company_member(user, company)


@rules.predicate
def is_application_author(user: Any, application: Any) -> bool:
    return is_company_member(user, application.company)


rules.add_perm("applications.act_for_company", is_member)
rules.add_perm("applications.edit_application", is_application_author)

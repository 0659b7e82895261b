"""What the tests of the company pages share: their addresses and the registration form's data."""

from __future__ import annotations

from django.urls import reverse

COMPANIES = reverse("applications:companies")
CREATE = reverse("applications:company_create")


def company_data(programme, municipality, **overrides):
    data = {
        "programme": programme.pk,
        "org_number": "974 760 673",
        "name": "Toten Mekaniske AS",
        "address": "Storgata 1",
        "postal_code": "2815",
        "city": "Gjøvik",
        "municipality": municipality.pk,
        "industry_code": "25.110",
        "employees_fte": "12.5",
    }
    data.update(overrides)
    return data


def text(response) -> str:
    return response.content.decode()

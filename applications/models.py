"""What a company submits: the company and its people, the application with its cost and
financing lines, attachments and declarations of earlier public support."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.no import orgnr

from programme import clock
from programme.fields import SavedAtField
from programme.models import FocusArea, Municipality, Programme
from programme.money import format_nok
from programme.numbers import format_org_number

not_negative = [MinValueValidator(Decimal("0"))]


def validate_org_number(value: str) -> None:
    """Organisation number: nine digits with a mod-11 check digit (Brønnøysund)."""
    try:
        if not (str(value).isascii() and str(value).isdigit()):
            raise StdnumError()
        orgnr.validate(value)
    except StdnumError as error:
        raise ValidationError(
            _("%(value)s is not a valid organisation number: it must be nine digits with a correct check digit."),
            params={"value": value},
            code="org_number",
        ) from error


class Company(models.Model):
    """A company (foretak) that applies; its people act for it."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="companies")
    # Indexed on its own: the de minimis headroom sums support across programmes by the
    # organisation number alone (workflow.selectors, the board agenda).
    org_number = models.CharField(
        _("organisation number"), max_length=9, validators=[validate_org_number], db_index=True
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=4, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="companies", verbose_name=_("municipality")
    )
    industry_code = models.CharField(_("industry code (SN2007)"), max_length=10, blank=True)
    employees_fte = models.DecimalField(
        _("employees today (FTE)"), max_digits=8, decimal_places=1, default=Decimal("0"), validators=not_negative
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="CompanyMember", related_name="companies", verbose_name=_("people")
    )

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["programme", "org_number"], name="company_unique_org_number")]

    def __str__(self) -> str:
        return f"{self.name} ({format_org_number(self.org_number)})"


class CompanyMember(models.Model):
    """A person who acts for a company; contact people are named on the application."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    is_contact = models.BooleanField(_("contact person"), default=False)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    title = models.CharField(_("title"), max_length=100, blank=True)
    joined_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("company member")
        verbose_name_plural = _("company members")
        constraints = [models.UniqueConstraint(fields=["company", "user"], name="company_member_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.company.name}"


class Application(models.Model):
    """Søknad: drafted in steps; submitting it starts a case."""

    class Kind(models.TextChoices):
        PRE_STUDY = "pre_study", _("Pre-study")
        DEVELOPMENT = "development", _("Development project")
        SPIN_OFF = "spin_off", _("Spin-off or scale-up")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="applications")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="applications")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications_created"
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = SavedAtField()
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    # Step 2: the project.
    title = models.CharField(_("project title"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), max_length=1000, blank=True)
    description = models.TextField(_("description"), max_length=20000, blank=True)
    focus_area = models.ForeignKey(
        FocusArea, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("focus area")
    )
    kind = models.CharField(_("kind of project"), max_length=20, choices=Kind.choices, blank=True)
    beside_core_business = models.TextField(_("how the project lies beside the core business"), blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)

    # Step 4: effects.
    new_jobs_expected = models.DecimalField(
        _("new jobs expected within four years (FTE)"),
        max_digits=7,
        decimal_places=1,
        default=Decimal("0"),
        validators=not_negative,
    )
    jobs_secured = models.DecimalField(
        _("jobs secured (FTE)"), max_digits=7, decimal_places=1, default=Decimal("0"), validators=not_negative
    )
    expected_turnover = models.DecimalField(
        _("expected turnover (NOK)"), max_digits=14, decimal_places=2, default=Decimal("0"), validators=not_negative
    )

    # Step 6: the applicant vouches for the information.
    information_is_true = models.BooleanField(_("the information is true"), default=False)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="application_end_after_start",
                violation_error_message=_("The project cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        # str(): a lazy translation is not a str, and __str__ must return one.
        return self.title or str(_("Untitled application"))

    @property
    def expected_turnover_display(self) -> str:
        return format_nok(self.expected_turnover)

    def total_cost(self) -> Decimal:
        return self.cost_lines.aggregate(total=Sum("amount"))["total"] or Decimal("0")

    def total_financing(self) -> Decimal:
        return self.financing_lines.aggregate(total=Sum("amount"))["total"] or Decimal("0")

    @property
    def is_editable(self) -> bool:
        """A draft may be changed; a submitted application only through its case."""
        return self.status == self.Status.DRAFT

    def applied_amount(self) -> Decimal:
        """The amount asked of this programme: its own financing line(s)."""
        own = self.financing_lines.filter(source=FinancingLine.Source.THIS_PROGRAMME)
        return own.aggregate(total=Sum("amount"))["total"] or Decimal("0")


class CostLine(models.Model):
    """A line of the project's eligible costs; own hours are hours × rate."""

    class Category(models.TextChoices):
        EXTERNAL = "external", _("External services")
        OWN_HOURS = "own_hours", _("Own hours")
        EQUIPMENT = "equipment", _("Equipment and investment")
        OTHER = "other", _("Other costs")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="cost_lines")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    description = models.CharField(_("description"), max_length=200)
    hours = models.DecimalField(
        _("hours"), max_digits=8, decimal_places=1, null=True, blank=True, validators=not_negative
    )
    hourly_rate = models.DecimalField(
        _("hourly rate (NOK)"), max_digits=8, decimal_places=2, null=True, blank=True, validators=not_negative
    )
    amount = models.DecimalField(_("amount (NOK)"), max_digits=14, decimal_places=2, validators=not_negative)

    class Meta:
        verbose_name = _("cost line")
        verbose_name_plural = _("cost lines")
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="cost_line_amount_not_negative")]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount}"

    @property
    def amount_display(self) -> str:
        return format_nok(self.amount)

    @property
    def hourly_rate_display(self) -> str:
        return format_nok(self.hourly_rate) if self.hourly_rate is not None else ""


class FinancingLine(models.Model):
    """A line of the project's financing; together they must equal the total cost."""

    class Source(models.TextChoices):
        OWN_FUNDS = "own_funds", _("Own funds")
        INNOVATION_NORWAY = "innovation_norway", _("Innovation Norway")
        OTHER_PUBLIC = "other_public", _("Other public support")
        THIS_PROGRAMME = "this_programme", _("This programme")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="financing_lines")
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    description = models.CharField(_("description"), max_length=200, blank=True)
    amount = models.DecimalField(_("amount (NOK)"), max_digits=14, decimal_places=2, validators=not_negative)

    class Meta:
        verbose_name = _("financing line")
        verbose_name_plural = _("financing lines")
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="financing_line_amount_not_negative")]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.amount}"

    @property
    def amount_display(self) -> str:
        return format_nok(self.amount)


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name is random: the original name is kept only as data, never as a path.
    import uuid

    return f"attachments/{instance.application_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """Vedlegg: stored privately; served only to people who may see the case."""

    MAX_SIZE = 20 * 1024 * 1024
    ALLOWED_TYPES = {
        "application/pdf": "PDF",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
        "image/png": "PNG",
        "image/jpeg": "JPEG",
    }

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def type_label(self) -> str:
        return self.ALLOWED_TYPES.get(self.content_type, self.content_type)


class SupportDeclaration(models.Model):
    """Public support the company received in this and the two previous fiscal years."""

    class Kind(models.TextChoices):
        DE_MINIMIS = "de_minimis", _("De minimis support")
        OTHER = "other", _("Other public support")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="support_declarations")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    grantor = models.CharField(_("grantor"), max_length=200)
    granted_on = models.DateField(_("date granted"))
    amount = models.DecimalField(_("amount (NOK)"), max_digits=14, decimal_places=2, validators=not_negative)

    class Meta:
        verbose_name = _("declared public support")
        verbose_name_plural = _("declared public support")
        ordering = ["granted_on"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="support_declaration_amount_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.grantor} {self.granted_on}: {self.amount}"

    @property
    def amount_display(self) -> str:
        return format_nok(self.amount)


class MembershipRequest(models.Model):
    """A person asks to act for a company that is already registered; a member answers."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="membership_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership_requests")
    created_at = models.DateTimeField(default=clock.now)
    decided_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted = models.BooleanField(_("accepted"), null=True, blank=True)

    class Meta:
        verbose_name = _("request to join a company")
        verbose_name_plural = _("requests to join a company")
        ordering = ["created_at"]
        constraints = [
            # One open request per person and company: asking twice does not pester the members twice.
            models.UniqueConstraint(
                fields=["company", "user"], condition=Q(decided_at__isnull=True), name="membership_request_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.company.name}"

    @property
    def is_open(self) -> bool:
        return self.decided_at is None


class Invitation(models.Model):
    """A member invites a colleague by e-mail; the link in the mail carries the token."""

    VALID_FOR = timedelta(days=14)

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=clock.now)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.company.name}"

    @property
    def expires_at(self) -> datetime:
        return self.created_at + self.VALID_FOR

    def is_expired(self) -> bool:
        return clock.now() >= self.expires_at

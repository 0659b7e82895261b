"""The programme domain: programmes and their rules, municipalities, focus areas, budget
years with contributions and targets, users and their staff roles."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# The hard ceiling of the support share: no rule may allow more (SPEC §2).
SUPPORT_SHARE_HARD_CEILING = Decimal("75")


def default_job_followup_months() -> list[int]:
    return [12, 24]


percent = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person: applicant, adviser, board member or administrator (roles per programme)."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    language = models.CharField(
        _("language"), max_length=5, choices=[("nb", "Norsk bokmål"), ("en", "English")], default="nb"
    )

    email_verified = models.BooleanField(_("e-mail address verified"), default=False)
    # Staff with many cases may take their notifications as one mail a day instead of one each.
    daily_digest = models.BooleanField(_("one daily digest instead of a mail for each notification"), default=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class Programme(models.Model):
    """A business-development programme (næringsprogram) with its rules."""

    code = models.CharField(
        _("code"),
        max_length=12,
        unique=True,
        validators=[RegexValidator(r"^[A-Z][A-Z0-9]{1,11}$", _("Use capital letters and digits, e.g. NUP."))],
        help_text=_("Used in case references, e.g. NUP-2017-011."),
    )
    name = models.CharField(_("name"), max_length=200)
    owner_organisation = models.CharField(_("owner organisation"), max_length=200)
    start_date = models.DateField(_("start date"))
    evaluation_after_months = models.PositiveSmallIntegerField(_("evaluation after (months)"), default=24)
    # Off for a programme kept only as history (the demo's 2017–2019): its old deadlines would
    # otherwise send reminders and let offers lapse against today's date.
    reminders_active = models.BooleanField(_("send reminders and let overdue offers lapse by themselves"), default=True)
    # Tofaktorinnlogging: the administrator may require it of everyone with a role here.
    staff_two_factor_required = models.BooleanField(
        _("staff must use two-factor login"),
        default=False,
        help_text=_(
            "Advisers, board members and administrators of the programme must turn on two-factor login "
            "before they can use the pages."
        ),
    )

    # Rules (SPEC §2) with their defaults.
    support_share_max = models.DecimalField(
        _("maximum support share (%)"), max_digits=5, decimal_places=2, default=Decimal("50"), validators=percent
    )
    support_share_ceiling = models.DecimalField(
        _("hard ceiling of the support share (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("75"),
        validators=percent,
        help_text=_("The board may exceed the maximum share with reasons, never this ceiling."),
    )
    holdback_share = models.DecimalField(
        _("share held back until the final report (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("25"),
        validators=percent,
    )
    acceptance_days = models.PositiveSmallIntegerField(_("days to accept an offer"), default=21)
    start_months = models.PositiveSmallIntegerField(_("months to start the project"), default=6)
    final_report_days = models.PositiveSmallIntegerField(_("final report due (days after project end)"), default=60)
    offer_expiry_months = models.PositiveSmallIntegerField(_("offer expires (months after project end)"), default=6)
    screening_days = models.PositiveSmallIntegerField(_("screening service level (days)"), default=14)
    appeal_days = models.PositiveSmallIntegerField(_("appeal deadline (days)"), default=21)
    job_followup_months = models.JSONField(
        _("job reports asked for (months after completion)"), default=default_job_followup_months
    )
    de_minimis_ceiling_eur = models.DecimalField(
        _("de minimis ceiling (EUR)"), max_digits=12, decimal_places=2, default=Decimal("300000")
    )
    de_minimis_years = models.PositiveSmallIntegerField(_("de minimis period (years)"), default=3)
    de_minimis_regulation = models.CharField(
        _("de minimis regulation"),
        max_length=200,
        default="Kommisjonsforordning (EU) 2023/2831 (EØS-avtalen vedlegg XV)",
    )
    eur_nok_rate = models.DecimalField(_("EUR → NOK rate"), max_digits=8, decimal_places=4, default=Decimal("11.5000"))
    public_register_threshold_eur = models.DecimalField(
        _("register for public support from (EUR)"), max_digits=12, decimal_places=2, default=Decimal("100000")
    )

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(support_share_max__lte=models.F("support_share_ceiling"))
                & Q(support_share_ceiling__lte=SUPPORT_SHARE_HARD_CEILING),
                name="programme_support_share_within_ceiling",
                violation_error_message=_("The maximum share may not exceed the ceiling, nor the ceiling 75 %."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Municipality(models.Model):
    """A municipality (kommune) in the programme's region; participating ones fund it."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="municipalities")
    number = models.CharField(_("municipality number"), max_length=4, validators=[RegexValidator(r"^\d{4}$")])
    name = models.CharField(_("name"), max_length=100)
    participating = models.BooleanField(_("participates in the programme"), default=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="municipality_unique_number"),
            models.UniqueConstraint(fields=["programme", "name"], name="municipality_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class FocusArea(models.Model):
    """A focus area (satsingsområde): industry, ICT, bio-economy, other."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="focus_areas")
    code = models.SlugField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="focus_area_unique_code")]

    def __str__(self) -> str:
        return self.name


class BudgetYear(models.Model):
    """A year's frame (ramme), built from its contributions; the row approvals lock."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="budget_years")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    target_projects_min = models.PositiveSmallIntegerField(_("target: projects (at least)"), default=15)
    target_projects_max = models.PositiveSmallIntegerField(_("target: projects (at most)"), default=20)
    target_jobs = models.PositiveSmallIntegerField(_("target: new jobs"), default=45)
    # Closed when the year's accounts are closed: no new grant is charged to it any more, while
    # the grants it holds are still paid out, released and reclaimed against it (SPEC §5).
    closed = models.BooleanField(
        _("closed for new grants"),
        default=False,
        help_text=_("When the year is closed, the board can no longer grant support charged to it."),
    )

    class Meta:
        verbose_name = _("budget year")
        verbose_name_plural = _("budget years")
        ordering = ["programme", "year"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "year"], name="budget_year_unique"),
            models.CheckConstraint(
                condition=Q(target_projects_min__lte=models.F("target_projects_max")),
                name="budget_year_target_range",
                violation_error_message=_("The lower project target may not exceed the upper one."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme.code} {self.year}"


class Contribution(models.Model):
    """A funder's contribution (e.g. a municipality's share) to a budget year's frame."""

    budget_year = models.ForeignKey(BudgetYear, on_delete=models.CASCADE, related_name="contributions")
    funder = models.CharField(_("funder"), max_length=200)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="contributions"
    )
    amount = models.DecimalField(
        _("amount (NOK)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["budget_year", "funder"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="contribution_amount_not_negative"),
            models.UniqueConstraint(fields=["budget_year", "funder"], name="contribution_unique_funder"),
        ]

    def __str__(self) -> str:
        return f"{self.funder}: {self.amount}"


class StaffRole(models.Model):
    """A person's staff role in one programme; advisers serve given municipalities."""

    class Kind(models.TextChoices):
        ADVISER = "adviser", _("Business adviser")
        BOARD = "board", _("Board member")
        ADMIN = "admin", _("Administrator")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_roles")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="staff_roles")
    kind = models.CharField(_("role"), max_length=10, choices=Kind.choices)
    municipalities = models.ManyToManyField(
        Municipality, blank=True, related_name="advisers", verbose_name=_("municipalities (advisers)")
    )

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [models.UniqueConstraint(fields=["user", "programme", "kind"], name="staff_role_unique")]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_kind_display()} ({self.programme.code})"

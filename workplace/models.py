"""The domain: areas, union bodies, enterprises and their records, as the README's “The import
format” and “Indicator definitions” name them.

What must always hold lives in database constraints; what an officer may get wrong is
checked again in ``clean()`` so that forms and imports explain it in plain words.
"""

import dataclasses
import datetime
from collections.abc import Callable

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.functions import Cast, Lower, Substr
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from . import audit, kept_facts
from .conditions import Latest, LatestValue, evaluate
from .dates import format_day
from .documents import DocumentPath, private_storage, validate_document
from .freeze_lock import freezing_periods, writing_records
from .indicators import COUNT_COLUMNS, FLAG_COLUMNS
from .querysets import (
    AgreementQuerySet,
    AreaQuerySet,
    EnterpriseQuerySet,
    InspectionBoardQuerySet,
    PeriodQuerySet,
    RecordQuerySet,
    TreeQuerySet,
)
from .text import fold, normalise_tax_code

CODE_PATTERN = r"^[A-Za-z0-9_.\-]+$"
# ASCII digits only: Python's \d also matches full-width and other scripts' digits, which
# would let one enterprise be registered twice under codes that look the same.
TAX_CODE_PATTERN = r"^[0-9]{10}(-[0-9]{3})?$"

code_validator = RegexValidator(
    CODE_PATTERN,
    _("A code may contain only letters, digits, '-', '_' and '.'."),
)
tax_code_validator = RegexValidator(
    TAX_CODE_PATTERN,
    _(
        "A tax code has 10 digits, or 10 digits, '-' and 3 digits for a branch "
        "(e.g. 4900123456-001)."
    ),
)


def add_years(day, years):
    """The same calendar day ``years`` later; 29 February falls back to the 28th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def last_day_of_term(first_day, years):
    """The last day of a term of whole years that begins on ``first_day``, which counts.

    A year from 15/01/2023 runs to 14/01/2024. A term begun on 29 February ends on 28 February
    (the day before 1 March) when its last year has no 29 February, so that a term begun on
    29 February is exactly as long as one begun on 1 March.
    """
    try:
        next_start = first_day.replace(year=first_day.year + years)
    except ValueError:
        next_start = datetime.date(first_day.year + years, 3, 1)
    return next_start - datetime.timedelta(days=1)


def year_of(field):
    """The four-digit year of a date column, in SQL that SQLite and PostgreSQL share."""
    return Substr(Cast(field, models.CharField(max_length=10)), 1, 4)


class FieldKeyedConstraints(models.Model):
    """Report a failed check constraint against the field it concerns.

    Django reports check constraints as errors of the whole record; a form or an import must
    point at the cell to fix, so each constraint names its field in ``violation_error_code``.
    """

    class Meta:
        abstract = True

    def validate_constraints(self, exclude=None):
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            raise ValidationError(self._errors_by_field(error)) from None

    def _errors_by_field(self, error):
        field_names = {f.name for f in self._meta.fields}
        keyed = {}
        for key, errors in error.error_dict.items():
            for item in errors:
                target = item.code if key == NON_FIELD_ERRORS and item.code in field_names else key
                keyed.setdefault(target, []).append(item)
        return keyed


class StaleRecordError(Exception):
    """The record was changed by someone else since this copy of it was read."""

    def __init__(self, message=None):
        super().__init__(
            message
            or _(
                "Someone else changed this record while you were editing it. Your changes "
                "were not saved: open it again to see the current values."
            )
        )


class FrozenPeriodError(ValidationError):
    """A record dated inside a locked or published period cannot change."""

    @classmethod
    def for_record(cls, field_name, day, period):
        message = _(
            "Records dated %(date)s belong to the reporting period “%(period)s” "
            "(%(status)s): they cannot be added, changed or deleted until the federation "
            "unlocks that period."
        ) % {
            "date": format_day(day),
            "period": period.name,
            "status": period.get_status_display().lower(),
        }
        return cls({field_name: [ValidationError(message, code="frozen_period")]})

    @classmethod
    def for_figures(cls, period):
        """A change that would move what a record or unit counts for in ``period``."""
        message = _(
            "This change would alter the figures of the reporting period “%(period)s” "
            "(%(status)s), which are frozen: it cannot be made until the federation unlocks "
            "that period."
        ) % {"period": period.name, "status": period.get_status_display().lower()}
        return cls({NON_FIELD_ERRORS: [ValidationError(message, code="frozen_period")]})


@dataclasses.dataclass(frozen=True)
class Calendar:
    """What checking a record needs to know of dates: today, and the period freezing a day.

    ``live()`` asks the database about each day it is given; an import checks all its rows
    against ``loaded()``, which read the locked and published periods once.
    """

    today: datetime.date
    frozen_on: Callable[[datetime.date], "ReportingPeriod | None"]

    @classmethod
    def live(cls):
        return cls(timezone.localdate(), ReportingPeriod.objects.frozen_on)

    @classmethod
    def loaded(cls):
        return cls(timezone.localdate(), ReportingPeriod.objects.frozen_calendar())


class TrackedModel(FieldKeyedConstraints):
    """A record whose every save is checked against its version and written to the audit log.

    A save based on a stale copy (its version is no longer the stored one) is refused, so two
    people editing at once cannot silently overwrite each other, whichever path they use.
    """

    version = models.PositiveIntegerField(default=1, editable=False)

    # Dates of what has already happened, so never later than today. The portal's date inputs
    # take their ``max`` from this list too: the browser refuses exactly what the server does.
    past_date_fields = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        with transaction.atomic():
            writing_records()
            if self._state.adding or self.pk is None:
                self.refuse_frozen_dates(None)
                super().save(*args, **kwargs)
                created = audit.audited_values(self)
                changes = {name: [None, value] for name, value in created.items()}
                audit.record("create", self, changes, enterprise=self.audit_enterprise())
                kept_facts.refresh_units(self.fact_units())
                return
            stored = self._stored_copy()
            changes = audit.differences(audit.audited_values(stored), audit.audited_values(self))
            if changes:
                self.refuse_frozen_dates(stored)
            self.version = stored.version + 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
            super().save(*args, **kwargs)
            if changes:
                audit.record("change", self, changes, enterprise=self.audit_enterprise())
            if changes and kept_facts.changes_count(self, stored):
                kept_facts.refresh_units(self.fact_units(stored))

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            writing_records()
            stored = self._stored_copy()
            self.refuse_frozen_dates(stored, deleting=True)
            before = audit.audited_values(stored)
            changes = {name: [value, None] for name, value in before.items()}
            audit.record("delete", self, changes, enterprise=self.audit_enterprise())
            deleted = super().delete(*args, **kwargs)
            kept_facts.refresh_units(stored.fact_units())
            return deleted

    def audit_enterprise(self):
        return None

    def fact_units(self, stored=None):
        """Hook: the units whose kept facts (``kept_facts``) this row, as it is and as it was
        (``stored``), counts in."""
        return set()

    def fill_derived_fields(self):
        """Hook: set the fields computed from the others, before any write (bulk ones too)."""

    def clean_against(self, stored, calendar):
        """Hook: ``clean()``'s own checks, given the stored copy (``None`` for a new record).

        An import, which reads every stored record it touches at once, calls this instead of
        ``clean()``, with a ``Calendar.loaded()`` shared by all its rows.
        """

    def refuse_frozen_dates(self, stored, deleting=False, frozen_on=None):
        """Hook: refuse a change that would alter the figures of a locked period."""

    def refuse_future_dates(self, today):
        """Each of ``past_date_fields`` must be today or earlier."""
        errors = {
            name: ValidationError(_("The date cannot be in the future."), code="future_date")
            for name in self.past_date_fields
            if getattr(self, name) is not None and getattr(self, name) > today
        }
        if errors:
            raise ValidationError(errors)

    def _stored_copy(self):
        stored = type(self)._base_manager.select_for_update().filter(pk=self.pk).first()
        if stored is None or stored.version != self.version:
            raise StaleRecordError()
        return stored


class TreeNode(models.Model):
    """A node of a code-keyed tree with a materialised path of codes (``/20/178/``).

    The path lets a whole subtree be selected with one ``startswith`` filter, which is how a
    reviewer's scope and the union-body roll-up are computed.
    """

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=255)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=1024, db_index=True, editable=False)
    search_text = models.CharField(max_length=300, editable=False, default="")

    objects = TreeQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["path"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        old_path = self.path
        self.fill_derived_fields()
        with transaction.atomic():
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                self._move_descendants(old_path)

    @classmethod
    def built(cls, code, name, parent=None, **extra):
        """An unsaved node with the path and search text its ``save()`` would give it: for
        ``bulk_create``, which calls no ``save()``."""
        node = cls(code=code, name=name, parent=parent, **extra)
        node.fill_derived_fields()
        return node

    def fill_derived_fields(self):
        self.path = self.computed_path()
        self.search_text = fold(f"{self.code} {self.name}")

    @property
    def depth(self):
        return self.path.count("/") - 1

    def computed_path(self):
        prefix = self.parent.path if self.parent_id else "/"
        return f"{prefix}{self.path_segment()}/"

    def path_segment(self):
        """What this node adds to its parent's path: its code, unique among its siblings."""
        return self.code

    def clean(self):
        super().clean()
        if self.parent_id and self.pk:
            ancestor = self.parent
            while ancestor is not None:
                if ancestor.pk == self.pk:
                    raise ValidationError(
                        {
                            "parent": _(
                                "A node cannot be placed under itself or its own descendants."
                            )
                        }
                    )
                ancestor = ancestor.parent

    def _move_descendants(self, old_path):
        # Rare (a district renamed or re-parented), so a loop over the subtree is fine here.
        for node in type(self).objects.filter(path__startswith=old_path).exclude(pk=self.pk):
            node.path = self.path + node.path[len(old_path) :]
            super(TreeNode, node).save(update_fields=["path"])


class AreaEra(models.TextChoices):
    """Which administrative map an area belongs to. The reform of 1 July 2025 abolished the
    districts and merged the communes; a new commune often kept the code of one of its old
    wards, so a code names an area only together with its era."""

    BEFORE_2025 = "before_2025", _("Before 1 July 2025")
    FROM_2025 = "from_2025", _("From 1 July 2025")


# The first day of the administrative map after the reform.
REFORM_DAY = datetime.date(2025, 7, 1)


class Area(TreeNode):
    class Kind(models.TextChoices):
        PROVINCE = "province", _("Province")
        DISTRICT = "district", _("District")
        COMMUNE = "commune", _("Commune / ward")
        ZONE = "zone", _("Industrial or economic zone")

    Era = AreaEra
    # Marks a segment of the path of the map before the reform, so the two maps' paths never
    # meet even where their codes do (Lạng Sơn is province 20 on both). No code contains it.
    BEFORE_2025_MARK = "~"

    code = models.CharField(_("code"), max_length=32, validators=[code_validator])
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    era = models.CharField(
        _("era"), max_length=16, choices=AreaEra.choices, default=AreaEra.FROM_2025
    )
    official = models.BooleanField(
        _("from the official list"),
        default=False,
        editable=False,
        help_text=_("Loaded by load_areas from the official list; kept in step with it."),
    )

    objects = AreaQuerySet.as_manager()

    class Meta(TreeNode.Meta):
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        constraints = [
            models.UniqueConstraint(fields=["code", "era"], name="area_code_unique_in_era")
        ]

    def __str__(self):
        if self.era == AreaEra.BEFORE_2025:
            return _("%(name)s (before 2025)") % {"name": self.name}
        return self.name

    def path_segment(self):
        return self.key

    @property
    def key(self):
        """The area's code, marked when it names an area before the reform: what a link or a
        form names it by (``Area.objects.by_key``), unique where the code alone is not."""
        return self.key_of(self.code, self.era)

    @classmethod
    def key_of(cls, code, era):
        return f"{code}{cls.BEFORE_2025_MARK}" if era == AreaEra.BEFORE_2025 else code

    def clean(self):
        super().clean()
        if self.parent_id and self.parent.era != self.era:
            raise ValidationError(
                {"parent": _("An area and its parent must belong to the same era.")}
            )
        if self.pk and self._stored_era() != self.era and self.holds_anything():
            raise ValidationError(
                {
                    "era": _(
                        "An area holding other areas or units keeps its era; "
                        "convert_areas_2025 moves units to today's map."
                    )
                }
            )

    def holds_anything(self):
        return self.children.exists() or self.enterprises.exists()

    def _stored_era(self):
        return type(self).objects.filter(pk=self.pk).values_list("era", flat=True).first()


class UnionBody(TreeNode):
    closed_on = models.DateField(
        _("closed on"),
        null=True,
        blank=True,
        help_text=_("The day the body was dissolved or merged; its units moved to another."),
    )

    class Meta(TreeNode.Meta):
        verbose_name = _("union body")
        verbose_name_plural = _("union bodies")


class Sector(models.TextChoices):
    NON_STATE = "non_state", _("Domestic private enterprise")
    FDI = "fdi", _("Foreign-invested enterprise")
    NON_PUBLIC_SERVICE = "non_public_service", _("Non-public service unit")
    STATE = "state", _("State-owned enterprise")
    PUBLIC_SERVICE = "public_service", _("Public service unit")
    STATE_AGENCY = "state_agency", _("State administrative agency")


class Regime(models.TextChoices):
    """Which democracy a unit's sector asks of it (Law on Implementing Grassroots Democracy
    2022): the worker conference of an employer, or the officials' conference and People's
    Inspection Board of a state agency or public service unit."""

    WORKER = "worker", _("Enterprises and other employers")
    PUBLIC_SECTOR = "public_sector", _("State agencies and public service units")

    @classmethod
    def of(cls, sector):
        return cls.PUBLIC_SECTOR if sector in PUBLIC_SECTOR_SECTORS else cls.WORKER


PUBLIC_SECTOR_SECTORS = (Sector.STATE_AGENCY, Sector.PUBLIC_SERVICE)
# Employers whose grassroots union also has a People's Inspection Board (state-owned).
BOARD_SECTORS = (Sector.STATE,)


class Enterprise(TrackedModel):
    class Registration(models.TextChoices):
        PENDING = "pending", _("Pending verification")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    tax_code = models.CharField(
        _("tax code"), max_length=14, unique=True, validators=[tax_code_validator]
    )
    name = models.CharField(_("name"), max_length=255)
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices)
    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="enterprises"
    )
    # Where the unit was filed before it moved to the map after the 2025 reform: figures frozen
    # under the old districts still find the units that were there.
    area_before_2025 = models.ForeignKey(
        Area,
        verbose_name=_("area before 1 July 2025"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    union_body = models.ForeignKey(
        UnionBody,
        verbose_name=_("union body"),
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    union_established_on = models.DateField(_("union established on"))
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    registration = models.CharField(
        _("registration status"),
        max_length=16,
        choices=Registration.choices,
        default=Registration.PENDING,
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    search_text = models.CharField(max_length=300, editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EnterpriseQuerySet.as_manager()

    past_date_fields = ("union_established_on", "dissolved_on")

    class Meta:
        ordering = ["name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        constraints = [
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True)
                | Q(dissolved_on__gte=F("union_established_on")),
                name="enterprise_dissolved_after_established",
                violation_error_code="dissolved_on",
                violation_error_message=_(
                    "The dissolution date cannot be before the date the union was established."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.tax_code})"

    def save(self, *args, **kwargs):
        self.fill_derived_fields()
        moved = self.remember_area_before_2025()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
            if moved:
                kwargs["update_fields"].add("area_before_2025")
        with transaction.atomic():
            super().save(*args, **kwargs)
            if moved:
                # Whoever moved the unit answered the question a split ward left open.
                PendingAreaMove.objects.filter(enterprise=self).delete()
        self._filed_under = self.area_id

    @classmethod
    def from_db(cls, db, field_names, values):
        unit = super().from_db(db, field_names, values)
        unit._filed_under = unit.__dict__.get("area_id")  # to see a move on save
        return unit

    def remember_area_before_2025(self):
        """Whether the unit is moving to another area; the first time it leaves an area of
        the map before the 2025 reform, that area is kept (a frozen district finds it)."""
        before = getattr(self, "_filed_under", None)
        if before is None or before == self.area_id:
            return False
        if (
            self.area_before_2025_id is None
            and Area.objects.filter(pk=before, era=AreaEra.BEFORE_2025).exists()
        ):
            self.area_before_2025_id = before
        return True

    def fill_derived_fields(self):
        self.search_text = fold(f"{self.tax_code} {self.name}")

    def clean_fields(self, exclude=None):
        # Every form and import validates through here: the code is stored as ASCII digits.
        self.tax_code = normalise_tax_code(self.tax_code)
        super().clean_fields(exclude=exclude)

    def audit_enterprise(self):
        return self

    def clean(self):
        super().clean()
        stored = None
        if self.pk and not self._state.adding:
            stored = type(self)._base_manager.filter(pk=self.pk).first()
        self.clean_against(stored, Calendar.live())

    def clean_against(self, stored, calendar):
        self.refuse_future_dates(calendar.today)
        self.refuse_closed_union_body(stored)
        if stored is not None and self.narrows_union_life(stored):
            self.refuse_records_outside_union_life()
        if stored is not None:
            periods = getattr(calendar.frozen_on, "periods", None)
            self.refuse_frozen_dates(stored, periods=periods)

    def refuse_closed_union_body(self, stored):
        """No unit joins a union body that was closed (its units moved to another)."""
        joining = stored is None or stored.union_body_id != self.union_body_id
        if joining and self.union_body_id and self.union_body.closed_on is not None:
            raise ValidationError(
                {
                    "union_body": _(
                        "%(body)s has stopped operating: choose the body that took its units."
                    )
                    % {"body": self.union_body.name}
                }
            )

    def refuse_frozen_dates(self, stored, deleting=False, frozen_on=None, periods=None):
        """A unit counted in a frozen period stays counted there: its union's establishment
        may not move after the period's end, nor may it be dissolved, rejected or deleted
        within the period. A unit registered late is not in the frozen figures (it shows as
        drift), so verifying it is allowed."""
        if stored is None or stored.registration != self.Registration.VERIFIED:
            return
        if periods is None:
            periods = list(ReportingPeriod.objects.frozen())
        for period in periods:
            if not (period.locked_at and self.created_at and self.created_at <= period.locked_at):
                continue  # registered since the period was frozen: not in its figures
            after = False if deleting else self.counted_in(period)
            if stored.counted_in(period) != after:
                raise FrozenPeriodError.for_figures(period)

    def fact_units(self, stored=None):
        return {self.pk}

    def counted_in(self, period):
        """Whether the unit is one of ``period``'s units, by the engine's own condition."""
        from .querysets import in_scope_condition

        values = {field.name: getattr(self, field.attname) for field in self._meta.fields}
        return bool(evaluate(in_scope_condition(period), values))

    def narrows_union_life(self, stored):
        """Whether this change moves the union's establishment later or its end earlier."""
        later_start = (
            self.union_established_on is not None
            and self.union_established_on > stored.union_established_on
        )
        earlier_end = self.dissolved_on is not None and (
            stored.dissolved_on is None or self.dissolved_on < stored.dissolved_on
        )
        return later_start or earlier_end

    def refuse_records_outside_union_life(self):
        """The unit's own records must stay within the union's life: the dates are refused
        rather than records quietly left before the union existed or after it ended."""
        first, last = self.record_date_range()
        errors = {}
        if first is not None and self.union_established_on and first < self.union_established_on:
            errors["union_established_on"] = _(
                "The unit has records from %(date)s, before this date; correct or delete them "
                "first."
            ) % {"date": format_day(first)}
        if last is not None and self.dissolved_on and last > self.dissolved_on:
            errors["dissolved_on"] = _(
                "The unit has records up to %(date)s, after this date; correct or delete them "
                "first."
            ) % {"date": format_day(last)}
        if errors:
            raise ValidationError(errors)

    def record_date_range(self):
        """The first and last date of the unit's records of every kind (None when none)."""
        days = []
        for model in record_models():
            found = model._base_manager.filter(enterprise_id=self.pk).aggregate(
                first=models.Min(model.date_field), last=models.Max(model.date_field)
            )
            days += [day for day in found.values() if day is not None]
        return (min(days), max(days)) if days else (None, None)

    # A unit registered in the portal waits for a reviewer: verified, it counts in the figures;
    # rejected, with a reason its officer reads, it counts nowhere. A rejection can still be
    # reconsidered and the unit verified; a verified unit is no longer decided on here.

    @property
    def may_be_verified(self):
        return self.registration != self.Registration.VERIFIED

    @property
    def may_be_rejected(self):
        return self.registration == self.Registration.PENDING

    def mark_verified(self):
        """Set the verified state without saving: a verified unit carries no rejection reason.
        An import, which saves its units itself, verifies them this way."""
        self.registration = self.Registration.VERIFIED
        self.rejection_reason = ""

    def verify(self, by):
        """Verify the registration and save; the unit's history names ``by`` as its author."""
        if not self.may_be_verified:
            raise ValueError("The unit is already verified.")
        self.mark_verified()
        self._save_decision(by)

    def reject(self, by, reason):
        """Reject the pending registration for ``reason`` (required) and save; the unit's
        history names ``by`` as its author."""
        if not self.may_be_rejected:
            raise ValueError("Only a pending registration can be rejected.")
        if not reason.strip():
            raise ValidationError(_("Give a reason for the rejection."), code="no_reason")
        self.registration = self.Registration.REJECTED
        self.rejection_reason = reason
        self._save_decision(by)

    def _save_decision(self, by):
        # The decision is the reviewer's whichever channel it came through.
        with audit.acting_as(by, audit.current_actor().source):
            self.save()


class EnterpriseRecord(TrackedModel):
    """A dated fact about one enterprise; the date decides which periods it counts in."""

    date_field = None  # the name of the field that dates the record

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        abstract = True

    def audit_enterprise(self):
        return self.enterprise

    def fact_units(self, stored=None):
        return {self.enterprise_id, *(stored.fact_units() if stored is not None else ())}

    @property
    def record_date(self):
        return getattr(self, self.date_field)

    def clean(self):
        super().clean()
        stored = None
        if self.pk and not self._state.adding:
            stored = type(self)._base_manager.filter(pk=self.pk).first()
        self.clean_against(stored, Calendar.live())

    def clean_against(self, stored, calendar):
        self.check_dates_within_union_life(calendar.today)
        if stored is None:
            self.refuse_frozen_dates(None, frozen_on=calendar.frozen_on)
        elif audit.audited_values(stored) != audit.audited_values(self):
            self.refuse_frozen_dates(stored, frozen_on=calendar.frozen_on)

    def refuse_frozen_dates(self, stored, deleting=False, frozen_on=None):
        """No record dated inside a locked or published period may be added, changed or
        deleted, whichever path the change takes: the published figures must stay true.

        Nor may a record dated elsewhere change what it counts for in such a period (an
        agreement in force at the period's end cut short, a declaration that decides a
        unit's eligibility then): see ``refuse_figure_changes``.
        """
        frozen_on = frozen_on or ReportingPeriod.objects.frozen_calendar()
        days = {stored.record_date} if stored is not None else set()
        if not deleting:
            days.add(self.record_date)
        for day in sorted(d for d in days if d is not None):
            period = frozen_on(day)
            if period is not None:
                raise FrozenPeriodError.for_record(self.date_field, day, period)
        periods = getattr(frozen_on, "periods", None)
        if periods is None:
            periods = list(ReportingPeriod.objects.frozen())
        self.refuse_figure_changes(stored, deleting, periods)

    def refuse_figure_changes(self, stored, deleting, periods):
        """Refuse the change when, for a frozen period, what the record counts for (before:
        ``stored``, None for a new record; after: this one, unless ``deleting``) differs."""
        for period in periods:
            if not self.enterprise_counted_when_frozen(period):
                continue
            before = stored.figure_facts(period) if stored is not None else None
            after = None if deleting else self.figure_facts(period)
            if (before or {}) != (after or {}):
                raise FrozenPeriodError.for_figures(period)

    def enterprise_counted_when_frozen(self, period):
        """Whether the record's unit is in ``period``'s frozen figures: it existed when the
        period was locked and is one of its units. A unit registered since, or not counted
        there, cannot move them (it shows as drift on the period's page)."""
        unit = self.enterprise
        return bool(
            period.locked_at
            and unit.created_at
            and unit.created_at <= period.locked_at
            and unit.counted_in(period)
        )

    def figure_facts(self, period):
        """What this record counts for in ``period``: each of the engine's record conditions
        (``querysets.record_conditions``) it meets. A record that counts for nothing gives {}.

        A ``Latest`` condition (eligibility, from the latest declaration) is decided by the
        latest record on or before its day, whether or not it matches, so that record gives
        the condition's value, True or False.
        """
        from .querysets import record_conditions

        conditions = record_conditions(period).get(type(self).__name__, {})
        values = {field.name: getattr(self, field.attname) for field in self._meta.fields}
        facts = {}
        for name, condition in conditions.items():
            if isinstance(condition, Latest):
                latest = evaluate(condition.in_time(), values) and self.is_latest_on(
                    condition.until, condition.among
                )
                if latest and isinstance(condition, LatestValue):
                    facts[name] = values[condition.field]
                elif latest:
                    facts[name] = bool(evaluate(condition.condition, values))
            elif evaluate(condition, values):
                facts[name] = True
        return facts

    def is_latest_on(self, day, among=None):
        """No other record of the unit (meeting ``among``) is dated after this one and on or
        before ``day``."""
        date_field = self.date_field
        later = type(self)._base_manager.filter(
            among or Q(),
            enterprise_id=self.enterprise_id,
            **{f"{date_field}__gt": self.record_date, f"{date_field}__lte": day},
        )
        if self.pk is not None:
            later = later.exclude(pk=self.pk)
        return not later.exists()

    @property
    def earliest_record_date(self):
        """The union's establishment: nothing before it can be a record of the union."""
        return self.enterprise.union_established_on if self.enterprise_id else None

    def check_dates_within_union_life(self, today=None):
        """Reject dates in the future, before the union existed or after the unit was
        dissolved: such records cannot be true."""
        self.refuse_future_dates(today or timezone.localdate())
        day, earliest = self.record_date, self.earliest_record_date
        if day is not None and earliest is not None and day < earliest:
            raise ValidationError(
                {
                    self.date_field: _(
                        "The date is before the union was established (%(established)s)."
                    )
                    % {"established": format_day(earliest)}
                }
            )
        dissolved = self.enterprise.dissolved_on if self.enterprise_id else None
        if day is not None and dissolved is not None and day > dissolved:
            raise ValidationError(
                {
                    self.date_field: _("The date is after the unit was dissolved (%(date)s).")
                    % {"date": format_day(dissolved)}
                }
            )


class HeadcountDeclaration(EnterpriseRecord):
    date_field = "as_of"
    past_date_fields = ("as_of",)

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="headcounts",
    )
    as_of = models.DateField(_("as of"))
    union_members = models.PositiveIntegerField(_("union members"))
    workers = models.PositiveIntegerField(_("workers"))
    operating = models.BooleanField(
        _("operating"),
        default=True,
        help_text=_("Untick when the enterprise has temporarily suspended its operations."),
    )

    class Meta:
        ordering = ["enterprise", "-as_of"]
        verbose_name = _("headcount declaration")
        verbose_name_plural = _("headcount declarations")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "as_of"],
                name="headcount_one_per_day",
                violation_error_message=_(
                    "This enterprise already has a declaration on this date."
                ),
            ),
            models.CheckConstraint(
                condition=Q(union_members__lte=F("workers")),
                name="headcount_members_not_above_workers",
                violation_error_code="union_members",
                violation_error_message=_(
                    "The number of union members cannot exceed the number of workers."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.enterprise_id} @ {shown_day(self.as_of)}"


class WorkerConference(EnterpriseRecord):
    class Form(models.TextChoices):
        FULL = "full", _("All workers")
        DELEGATE = "delegate", _("Delegates")

    date_field = "held_on"
    past_date_fields = ("held_on",)

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="conferences",
    )
    held_on = models.DateField(_("held on"))
    form = models.CharField(_("form"), max_length=16, choices=Form.choices)
    attendees = models.PositiveIntegerField(_("attendees"), null=True, blank=True)
    minutes = models.FileField(
        _("minutes"),
        upload_to=DocumentPath("minutes"),
        storage=private_storage,
        validators=[validate_document],
        max_length=255,
        blank=True,
    )

    class Meta:
        ordering = ["enterprise", "-held_on"]
        verbose_name = _("worker conference")
        verbose_name_plural = _("worker conferences")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "held_on"],
                name="conference_one_per_day",
                violation_error_message=_("This enterprise already has a conference on this date."),
            ),
        ]

    def __str__(self):
        return f"{self.enterprise_id} @ {shown_day(self.held_on)}"


class CollectiveAgreement(EnterpriseRecord):
    date_field = "signed_on"
    past_date_fields = ("signed_on", "submitted_on", "graded_on")
    SUBMISSION_DAYS = 10  # Labour Code 2019 Art. 77: submit within 10 days of signing
    TERM_YEARS = (1, 3)  # Labour Code 2019 Art. 78: an agreement runs for 1 to 3 years
    EXPIRY_WARNING_DAYS = 90  # how long before expiry officers and reviewers are warned

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    signed_on = models.DateField(_("signed on"))
    effective_from = models.DateField(_("effective from"))
    expires_on = models.DateField(_("expires on"))
    votes_for = models.PositiveIntegerField(_("votes in favour"))
    workers_consulted = models.PositiveIntegerField(_("workers consulted"))
    submitted_on = models.DateField(
        _("submitted to the labour authority on"), null=True, blank=True
    )
    document = models.FileField(
        _("agreement text"),
        upload_to=DocumentPath("document"),
        storage=private_storage,
        validators=[validate_document],
        max_length=255,
        blank=True,
    )

    grade = models.CharField(
        _("grade"),
        max_length=1,
        choices=[("A", "A"), ("B", "B"), ("C", "C"), ("D", "D")],
        blank=True,
        help_text=_("The quality grade given by the upper-level union; empty if not graded."),
    )
    graded_on = models.DateField(_("graded on"), null=True, blank=True)
    workers_covered = models.PositiveIntegerField(_("workers covered"), null=True, blank=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["enterprise", "-signed_on"]
        verbose_name = _("collective agreement")
        verbose_name_plural = _("collective agreements")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "signed_on"],
                name="agreement_one_per_signing_day",
                violation_error_message=_(
                    "This enterprise already has an agreement signed on this date."
                ),
            ),
            models.CheckConstraint(
                condition=Q(expires_on__gte=F("effective_from")),
                name="agreement_expires_after_effective",
                violation_error_code="expires_on",
                violation_error_message=_("The expiry date cannot be before the effective date."),
            ),
            models.CheckConstraint(
                condition=Q(votes_for__lte=F("workers_consulted")),
                name="agreement_votes_within_consulted",
                violation_error_code="votes_for",
                violation_error_message=_(
                    "Votes in favour cannot exceed the number of workers consulted."
                ),
            ),
            models.CheckConstraint(
                condition=Q(effective_from__gte=F("signed_on")),
                name="agreement_effective_after_signing",
                violation_error_code="effective_from",
                violation_error_message=_("An agreement cannot take effect before it is signed."),
            ),
            models.CheckConstraint(
                condition=Q(submitted_on__isnull=True) | Q(submitted_on__gte=F("signed_on")),
                name="agreement_submitted_after_signing",
                violation_error_code="submitted_on",
                violation_error_message=_("The agreement cannot be submitted before it is signed."),
            ),
        ]

    def __str__(self):
        return f"{self.enterprise_id} @ {shown_day(self.signed_on)}"

    @classmethod
    def expiry_window(cls, effective_from):
        """The first and last day on which an agreement taking effect then may expire.

        Labour Code 2019 Art. 78: an agreement runs for 1 to 3 years. Both ends are counted the
        same way, the first day included: from 15/01/2023 it may run to 14/01/2024 at the
        shortest and to 14/01/2026 at the longest.
        """
        shortest, longest = cls.TERM_YEARS
        return last_day_of_term(effective_from, shortest), last_day_of_term(effective_from, longest)

    def clean_against(self, stored, calendar):
        super().clean_against(stored, calendar)
        errors = {}
        if self.effective_from and self.expires_on:
            first, last = self.expiry_window(self.effective_from)
            if not first <= self.expires_on <= last:
                errors["expires_on"] = _(
                    "A collective agreement runs for 1 to 3 years, counting the day it takes "
                    "effect: one in force from %(start)s must expire between %(first)s and "
                    "%(last)s."
                ) % {
                    "start": format_day(self.effective_from),
                    "first": format_day(first),
                    "last": format_day(last),
                }
        if self.votes_for is not None and self.workers_consulted is not None:
            if self.votes_for * 2 <= self.workers_consulted:
                errors["votes_for"] = _(
                    "An agreement is signed only when more than half of the workers consulted "
                    "vote in favour (%(votes)s of %(consulted)s is not enough)."
                ) % {"votes": self.votes_for, "consulted": self.workers_consulted}
        if errors:
            raise ValidationError(errors)

    @property
    def submission_deadline(self):
        """The last day for submitting the agreement to the labour authority."""
        return self.signed_on + datetime.timedelta(days=self.SUBMISSION_DAYS)

    @property
    def submitted_late(self):
        """True when the law's 10-day deadline was missed; the record itself stays valid."""
        return self.submitted_on is not None and self.submitted_on > self.submission_deadline

    def unsubmitted_past_deadline(self, today):
        """Not submitted although the deadline has passed (see ``AgreementQuerySet``)."""
        return self.submitted_on is None and today > self.submission_deadline

    def days_late(self, today):
        """Days past the deadline of its submission or, not yet submitted, of ``today``."""
        return ((self.submitted_on or today) - self.submission_deadline).days


class Dialogue(EnterpriseRecord):
    class Kind(models.TextChoices):
        PERIODIC = "periodic", _("Periodic")
        ON_REQUEST = "on_request", _("At one party's request")
        EVENT = "event", _("On an event")

    AD_HOC_KINDS = (Kind.ON_REQUEST, Kind.EVENT)
    date_field = "held_on"
    past_date_fields = ("held_on",)

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="dialogues",
    )
    held_on = models.DateField(_("held on"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    minutes = models.FileField(
        _("minutes"),
        upload_to=DocumentPath("minutes"),
        storage=private_storage,
        validators=[validate_document],
        max_length=255,
        blank=True,
    )

    class Meta:
        ordering = ["enterprise", "-held_on"]
        verbose_name = _("dialogue")
        verbose_name_plural = _("dialogues")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "held_on", "kind"],
                name="dialogue_one_per_day_and_kind",
                violation_error_message=_(
                    "This enterprise already has a dialogue of this kind on this date."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.enterprise_id} @ {shown_day(self.held_on)} ({self.get_kind_display()})"


class OfficialsConference(EnterpriseRecord):
    """The yearly conference of cadres, civil servants and public employees of a state agency
    or public service unit (hội nghị cán bộ, công chức, viên chức)."""

    date_field = "held_on"
    past_date_fields = ("held_on",)

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="officials_conferences",
    )
    held_on = models.DateField(_("held on"))
    attendees = models.PositiveIntegerField(_("attendees"), null=True, blank=True)

    class Meta:
        ordering = ["enterprise", "-held_on"]
        verbose_name = _("officials' conference")
        verbose_name_plural = _("officials' conferences")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "held_on"],
                name="officials_conference_one_per_day",
                violation_error_message=_(
                    "This unit already has an officials' conference on this date."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.enterprise_id} @ {shown_day(self.held_on)}"


class InspectionBoard(EnterpriseRecord):
    """A People's Inspection Board (ban thanh tra nhân dân) of the unit's grassroots union,
    elected for a term."""

    MEMBERS = (3, 9)
    TERM_WARNING_DAYS = 90  # how long before the term ends officers are reminded to elect anew
    date_field = "elected_on"
    past_date_fields = ("elected_on",)

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="inspection_boards",
    )
    elected_on = models.DateField(_("elected on"))
    term_ends_on = models.DateField(_("term ends on"))
    members = models.PositiveIntegerField(_("members"))

    objects = InspectionBoardQuerySet.as_manager()

    class Meta:
        ordering = ["enterprise", "-elected_on"]
        verbose_name = _("People's Inspection Board")
        verbose_name_plural = _("People's Inspection Boards")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "elected_on"],
                name="inspection_board_one_per_day",
                violation_error_message=_("This unit already has a board elected on this date."),
            ),
            models.CheckConstraint(
                condition=Q(term_ends_on__gte=F("elected_on")),
                name="inspection_board_term_after_election",
                violation_error_code="term_ends_on",
                violation_error_message=_("The term cannot end before the board is elected."),
            ),
            models.CheckConstraint(
                condition=Q(members__gte=3, members__lte=9),
                name="inspection_board_three_to_nine_members",
                violation_error_code="members",
                violation_error_message=_("A People's Inspection Board has 3 to 9 members."),
            ),
        ]

    def __str__(self):
        return f"{self.enterprise_id} @ {shown_day(self.elected_on)}"


class Regulation(EnterpriseRecord):
    """The unit's regulation on democracy at the workplace (quy chế dân chủ ở cơ sở tại nơi
    làm việc)."""

    date_field = "issued_on"
    past_date_fields = ("issued_on", "revised_on")

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="regulations",
    )
    issued_on = models.DateField(_("issued on"))
    revised_on = models.DateField(_("revised on"), null=True, blank=True)

    class Meta:
        ordering = ["enterprise", "-issued_on"]
        verbose_name = _("workplace democracy regulation")
        verbose_name_plural = _("workplace democracy regulations")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "issued_on"],
                name="regulation_one_per_day",
                violation_error_message=_(
                    "This enterprise already has a regulation issued on this date."
                ),
            ),
            models.CheckConstraint(
                condition=Q(revised_on__isnull=True) | Q(revised_on__gte=F("issued_on")),
                name="regulation_revised_after_issue",
                violation_error_code="revised_on",
                violation_error_message=_("A regulation cannot be revised before it is issued."),
            ),
        ]

    def __str__(self):
        return f"{self.enterprise_id} @ {shown_day(self.issued_on)}"


class ReportingPeriod(FieldKeyedConstraints):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        LOCKED = "locked", _("Locked")
        PUBLISHED = "published", _("Published")

    slug = models.SlugField(_("slug"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=255)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    min_members = models.PositiveIntegerField(
        _("minimum union members"),
        default=10,
        help_text=_("A unit with fewer union members need not hold a worker conference."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    decimals = models.PositiveSmallIntegerField(
        _("decimals of rates"),
        default=1,
        choices=[(1, "1"), (2, "2")],
        help_text=_("How many decimals the period's rates are rounded to."),
    )
    snapshot = models.JSONField(_("frozen figures"), null=True, blank=True, editable=False)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    # Which count of the facts ``UnitFacts`` holds for the period, kept exact by every write
    # since (``kept_facts.version``); empty, or a count by other code than today's (a period
    # frozen, a database just migrated, a release that changed an indicator), and the figures
    # are counted from the records until ``migrate`` has counted the facts again.
    facts_version = models.CharField(max_length=32, blank=True, default="", editable=False)

    objects = PeriodQuerySet.as_manager()

    class Meta:
        ordering = ["-end", "start"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")),
                name="period_end_not_before_start",
                violation_error_code="end",
                violation_error_message=_("The end of a period cannot be before its start."),
            ),
            models.CheckConstraint(
                condition=Exact(year_of("start"), year_of("end")),
                name="period_within_one_year",
                violation_error_code="end",
                violation_error_message=_(
                    "A reporting period must start and end in the same calendar year."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        with transaction.atomic():
            # Before the period's row, like ``periods.lock``: neither waits for the other's
            # lock while holding its own, and a change counted below sees no writer midway.
            freezing_periods()
            stored = None
            if not self._state.adding and self.pk is not None:
                stored = type(self)._base_manager.select_for_update().filter(pk=self.pk).first()
            if kwargs.get("update_fields") is None:
                self.refuse_changing_frozen_rules()
            super().save(*args, **kwargs)
            kept_facts.follow_period(self, stored)

    def clean(self):
        super().clean()
        self.refuse_changing_frozen_rules()

    def refuse_changing_frozen_rules(self):
        """A locked period's dates and rules are part of its frozen figures."""
        if self._state.adding or self.pk is None:
            return
        stored = type(self)._base_manager.filter(pk=self.pk).first()
        if stored is None or not stored.is_frozen:
            return
        rules = ("start", "end", "min_members", "decimals")
        if any(getattr(stored, name) != getattr(self, name) for name in rules):
            raise ValidationError(
                _(
                    "The period “%(period)s” is %(status)s: its dates and rules cannot "
                    "change until it is unlocked."
                )
                % {"period": stored.name, "status": stored.get_status_display().lower()},
                code="frozen_period",
            )

    @property
    def year_start(self):
        """1 January of the end's year: conferences and periodic dialogues count from here."""
        return datetime.date(self.end.year, 1, 1)

    @property
    def is_frozen(self):
        return self.status != self.Status.OPEN

    # What the period's figures depend on besides the records and the units.
    COUNTING_RULES = ("start", "end", "min_members")

    @property
    def facts_kept(self):
        """Whether the period's figures can be summed from its kept facts."""
        return not self.is_frozen and self.facts_version == kept_facts.version()


class UnitFacts(models.Model):
    """One unit's per-unit indicator columns in one open period (see ``kept_facts``): the
    figures at any scope are sums of these rows, so they are never recounted from the records
    on a screen. Only units the period counts have a row."""

    # The unique (period, enterprise) index finds a period's rows and a unit's: no other.
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.CASCADE, db_index=False, related_name="+"
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, db_index=False, related_name="+"
    )
    # The grouping keys, copied from the unit: no join on a screen.
    area = models.ForeignKey(
        Area, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    union_body = models.ForeignKey(
        UnionBody,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    sector = models.CharField(max_length=32, choices=Sector.choices)
    regime = models.CharField(max_length=16, choices=Regime.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["period", "enterprise"], name="unit_facts_once"),
        ]

    def __str__(self):
        return f"{self.enterprise_id} @ {self.period_id}"


# The columns: every per-unit flag and count the indicators sum (``indicators``), one place.
for _column in FLAG_COLUMNS:
    UnitFacts.add_to_class(_column, models.PositiveSmallIntegerField(default=0))
for _column in COUNT_COLUMNS:
    UnitFacts.add_to_class(_column, models.PositiveIntegerField(default=0))


class PendingAreaMove(models.Model):
    """A unit the conversion to the map after the 2025 reform could not move by itself: its
    old ward was split between several communes (or it was filed above any ward), so a
    reviewer chooses among ``candidates``. The row goes once the unit is moved."""

    enterprise = models.OneToOneField(
        Enterprise,
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="pending_area_move",
    )
    old_area = models.ForeignKey(
        Area, verbose_name=_("area before 2025"), on_delete=models.CASCADE, related_name="+"
    )
    candidates = models.ManyToManyField(Area, verbose_name=_("possible communes"), related_name="+")
    listed_at = models.DateTimeField(_("listed on"), auto_now_add=True)

    class Meta:
        verbose_name = _("unit waiting for its new commune")
        verbose_name_plural = _("units waiting for their new commune")
        ordering = ["enterprise__name", "pk"]

    def __str__(self):
        return str(self.enterprise)


class AccountManager(UserManager):
    def get_by_natural_key(self, username):
        # User names are unique whatever their case, so signing in ignores it too.
        return self.get(username__iexact=username)


class User(AbstractUser):
    """An account: an officer of some units, a reviewer of a union body's subtree, or staff."""

    objects = AccountManager()

    class Role(models.TextChoices):
        OFFICER = "officer", _("Union officer")
        REVIEWER = "reviewer", _("Reviewer")
        FEDERATION = "federation", _("Federation staff")

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.OFFICER)
    full_name = models.CharField(_("full name"), max_length=255, blank=True)
    union_body = models.ForeignKey(
        UnionBody,
        verbose_name=_("union body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviewers",
        help_text=_("A reviewer sees every unit of this body and the bodies under it."),
    )
    units = models.ManyToManyField(
        Enterprise, verbose_name=_("units"), blank=True, related_name="officers"
    )

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            # "CongDoan.A" and "congdoan.a" would be two accounts that people cannot tell apart.
            models.UniqueConstraint(
                Lower("username"),
                name="username_unique_in_any_case",
                violation_error_message=_("An account with this user name already exists."),
            ),
        ]

    def __str__(self):
        return self.full_name or self.username

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "role" in update_fields:
            # Not on a login's last_login update: only a role can change the membership.
            from .permissions import sync_federation_membership

            sync_federation_membership(self)

    def get_full_name(self):
        return self.full_name or self.username

    def has_perm(self, perm, obj=None):
        # The admin is for federation staff only, whatever groups an account was given.
        if perm == "wagtailadmin.access_admin" and not self.is_federation:
            return False
        return super().has_perm(perm, obj)

    @property
    def is_federation(self):
        return self.is_superuser or self.role == self.Role.FEDERATION

    @property
    def is_reviewer(self):
        return self.role == self.Role.REVIEWER and self.union_body_id is not None

    def clean(self):
        super().clean()
        if self.role == self.Role.REVIEWER and not self.union_body_id:
            raise ValidationError({"union_body": _("A reviewer must be attached to a union body.")})


def shown_day(day):
    """31/12/2023, or nothing for a record whose date is not filled in yet."""
    return format_day(day) if day else ""


def local_moment(moment):
    """31/12/2023 14:05 in the site's time zone (empty for an entry not saved yet)."""
    if moment is None:
        return ""
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionDenied(_("Audit entries cannot be changed."))

    def delete(self):
        raise PermissionDenied(_("Audit entries cannot be deleted."))


class AuditEntry(models.Model):
    """One change to one record: who, when, through which channel, and before/after.

    Entries are written once: the application offers no way to change or delete them.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        CHANGE = "change", _("Changed")
        DELETE = "delete", _("Deleted")
        VERIFY = "verify", _("Verified")
        REJECT = "reject", _("Rejected")
        LOCK = "lock", _("Locked")
        PUBLISH = "publish", _("Published")
        UNLOCK = "unlock", _("Unlocked")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("user name"), max_length=150, blank=True)
    source = models.CharField(_("through"), max_length=16)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    model = models.CharField(_("kind of record"), max_length=100)
    object_pk = models.CharField(max_length=64)
    object_repr = models.CharField(_("record"), max_length=255)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["model", "object_pk"])]

    def __str__(self):
        # As the admin shows it: local time, dd/mm/yyyy, and the action in words.
        return f"{local_moment(self.at)} {self.get_action_display()} {self.object_repr}".strip()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionDenied(_("Audit entries cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied(_("Audit entries cannot be deleted."))


class ImportLog(models.Model):
    """One spreadsheet brought in through the admin: the file kept, who, when, what it did."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed")
        IMPORTED = "imported", _("Imported")
        REFUSED = "refused", _("Refused")

    at = models.DateTimeField(_("when"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("kind of records"), max_length=32)
    file_name = models.CharField(_("file name"), max_length=255)
    checksum = models.CharField(_("SHA-256 checksum"), max_length=64)
    file = models.FileField(
        _("file"), upload_to="imports/%Y/%m/", storage=private_storage, max_length=255
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    new = models.PositiveIntegerField(_("new"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    account_changes = models.JSONField(
        _("changes to existing accounts"), default=list, blank=True, editable=False
    )

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return f"{self.file_name} ({local_moment(self.at)})"


class ExportJob(models.Model):
    """A large XLSX export running in the background: its progress, then the file to fetch."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("kind of records"), max_length=32)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(
        _("file"), upload_to="exports/%Y/%m/", storage=private_storage, max_length=255, blank=True
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Moved on at every progress report: a job silent for long has lost its worker.
    updated_at = models.DateTimeField(_("last progress"), default=timezone.now)

    # Progress is reported every few thousand rows, seconds apart; a worker that was killed
    # or never started reports nothing.
    STALLED_AFTER = datetime.timedelta(minutes=15)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self):
        return f"{self.kind} ({self.requested_at:%Y-%m-%d %H:%M})"

    @property
    def percent(self):
        if self.status == self.Status.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)

    @property
    def is_finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def is_stalled(self):
        return not self.is_finished and self.updated_at < self.stalled_before()

    @classmethod
    def stalled_before(cls, now=None):
        """A job not finished and silent since before this moment has lost its worker."""
        return (now or timezone.now()) - cls.STALLED_AFTER


def record_models():
    """Every kind of record a unit keeps, dated by its ``date_field``."""
    return [
        model
        for model in apps.get_app_config("workplace").get_models()
        if issubclass(model, EnterpriseRecord)
    ]

"""Chainable per-row facts for the indicator engine.

Every indicator of the README's "Indicator definitions" is a column computed by the database
for each enterprise (``Exists`` and correlated sub-queries), so a whole table of figures is one
query however many units there are. ``compliance.py`` adds them up.
"""

import copy
import datetime

from django.apps import apps
from django.db import models, transaction
from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from . import kept_facts
from .conditions import Latest, LatestValue
from .freeze_lock import writing_records
from .indicators import COUNT_COLUMNS, FLAG_COLUMNS

# The per-row indicator flags (0 or 1) and counts, by the name of their column.
FLAG_FIELDS = FLAG_COLUMNS
COUNT_FIELDS = COUNT_COLUMNS


def _model(name):
    return apps.get_model("workplace", name)


def as_flag(condition):
    """A boolean condition as 1/0, so it can be summed on every database."""
    return models.Case(models.When(condition, then=Value(1)), default=Value(0))


def count_of(queryset):
    """The number of rows of a correlated queryset, 0 when there are none."""
    counted = queryset.order_by().values("enterprise").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


class TreeQuerySet(models.QuerySet):
    def subtree(self, node):
        """The node and everything below it."""
        return self.filter(path__startswith=node.path)


class AreaQuerySet(TreeQuerySet):
    def by_key(self, key):
        """The area a key names (``Area.key``: its code, marked when before the 2025 reform),
        or None. A bare code both maps use means today's map's area."""
        Area = self.model
        if key.endswith(Area.BEFORE_2025_MARK):
            return self.filter(
                code=key.removesuffix(Area.BEFORE_2025_MARK), era="before_2025"
            ).first()
        today_first = models.Case(models.When(era="from_2025", then=0), default=1)
        return self.filter(code=key).order_by(today_first).first()


def _user_role(user):
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_federation:
        return "federation"
    if user.is_reviewer:
        return "reviewer"
    return "officer"


class EnterpriseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one scoping rule: federation staff see all units, a reviewer their union body's
        subtree, an officer the units assigned to them, anyone else nothing."""
        role = _user_role(user)
        if role == "federation":
            return self
        if role == "reviewer":
            return self.filter(union_body__path__startswith=user.union_body.path)
        if role == "officer":
            return self.filter(officers=user)
        return self.none()

    def verified(self):
        return self.filter(registration="verified")

    def update(self, **kwargs):
        """An update in bulk (the shell, a future admin action) keeps the units' facts too."""
        with transaction.atomic(using=self.db):
            writing_records()
            pks = list(self.values_list("pk", flat=True))
            updated = super().update(**kwargs)
            kept_facts.refresh_units(pks)
            return updated

    def in_scope(self, period):
        """Units counted in ``period``: verified, established by its end, not yet dissolved."""
        return self.filter(in_scope_condition(period))

    def with_indicators(self, period):
        """Annotate each unit with the 0/1 flags and counts the indicators are built from."""
        return self.annotate(**indicator_columns(period))

    def with_shortfall_facts(self, period):
        """Annotate what is needed to explain, in words, why a unit falls short."""
        return self.with_indicators(period).annotate(**shortfall_columns(period))


class PeriodQuerySet(models.QuerySet):
    def frozen(self):
        return self.exclude(status="open")

    def frozen_on(self, day):
        """The locked or published period holding ``day``, if any."""
        return self.frozen().filter(start__lte=day, end__gte=day).order_by("start").first()

    def frozen_calendar(self):
        """``frozen_on`` for many days from one query: a function day → period or ``None``."""
        periods = list(self.frozen().order_by("start", "pk"))

        def frozen_on(day):
            return next((p for p in periods if p.start <= day <= p.end), None)

        frozen_on.periods = periods  # for the checks that look at every frozen period
        return frozen_on

    def current(self, today):
        """The period to show by default: the shortest one holding ``today``, else the latest."""
        holding = self.filter(start__lte=today, end__gte=today).order_by("end", "-start")
        return holding.first() or self.order_by("-end", "start").first()


class RecordQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Records of the units ``user`` may see (see ``EnterpriseQuerySet.visible_to``)."""
        units = _model("Enterprise").objects.visible_to(user)
        return self.filter(enterprise__in=units.values("pk"))

    # Bulk paths skip Model.save() and delete(), so they apply the frozen-period rule here,
    # in one transaction with the write (see ``freeze_lock``).

    def update(self, **kwargs):
        with transaction.atomic(using=self.db):
            writing_records()
            self._refuse_frozen(kwargs.get(self.model.date_field))
            self._refuse_frozen_figure_changes(kwargs)
            units = kept_facts.touched_by(self)
            moved = {"enterprise", "enterprise_id"} & kwargs.keys()
            # Records moved to another unit (a value, or an expression per row as
            # ``bulk_update`` writes): their new units are read back after the update.
            pks = list(self.values_list("pk", flat=True)) if moved else []
            updated = super().update(**kwargs)
            units |= kept_facts.touched_by(self.model._base_manager.filter(pk__in=pks))
            kept_facts.refresh_units(units)
            return updated

    def delete(self):
        with transaction.atomic(using=self.db):
            writing_records()
            self._refuse_frozen()
            self._refuse_frozen_figure_changes(None)
            units = kept_facts.touched_by(self)
            deleted = super().delete()
            kept_facts.refresh_units(units)
            return deleted

    def _refuse_frozen_figure_changes(self, changes):
        """What the records would count for in a frozen period must not move, as with a
        save: each record is checked as it is and as it would be (``changes`` None: deleted).
        Reads the records only when some period is frozen."""
        frozen_on = _model("ReportingPeriod").objects.frozen_calendar()
        if not frozen_on.periods:
            return
        for record in self.order_by().select_related("enterprise").iterator(chunk_size=2000):
            stored = copy.copy(record)
            for name, value in (changes or {}).items():
                setattr(record, name, value)
            record.refuse_figure_changes(stored, changes is None, frozen_on.periods)

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        with transaction.atomic(using=self.db):
            writing_records()
            frozen_on = _model("ReportingPeriod").objects.frozen_calendar()
            for obj in objs:
                obj.refuse_frozen_dates(None, frozen_on=frozen_on)
            created = super().bulk_create(objs, *args, **kwargs)
            kept_facts.refresh_units({obj.enterprise_id for obj in objs})
            return created

    def _refuse_frozen(self, new_day=None):
        periods = list(_model("ReportingPeriod").objects.frozen())
        if not periods:
            return
        date_field = self.model.date_field
        inside = Q()
        for period in periods:
            inside |= Q(**{f"{date_field}__range": (period.start, period.end)})
        hit = self.order_by().filter(inside).values_list(date_field, flat=True).first()
        day = hit or new_day
        period = _model("ReportingPeriod").objects.frozen_on(day) if day else None
        if period is not None:
            from .models import FrozenPeriodError

            raise FrozenPeriodError.for_record(date_field, day, period)


class AgreementQuerySet(RecordQuerySet):
    """Collective agreements by their deadlines, each counted from the model's one constant:
    the expiry officers and reviewers are warned of ``EXPIRY_WARNING_DAYS`` ahead, and the
    submission to the labour authority due ``SUBMISSION_DAYS`` after signing."""

    def expiring_soon(self, today):
        """Expiring from today to ``EXPIRY_WARNING_DAYS`` days on, both days included."""
        last_day = today + datetime.timedelta(days=self.model.EXPIRY_WARNING_DAYS)
        return self.filter(expires_on__range=(today, last_day))

    def unsubmitted_past_deadline(self, today):
        """Signed more than ``SUBMISSION_DAYS`` days before ``today`` and not submitted, in
        force or not: an agreement that expired unsubmitted was never submitted."""
        return self.filter(self._unsubmitted_past_deadline(today))

    def submitted_late(self):
        return self.filter(self._submitted_late())

    def late(self, today):
        """Submitted after the deadline, or not submitted although the deadline has passed."""
        return self.filter(self._submitted_late() | self._unsubmitted_past_deadline(today))

    def _submitted_late(self):
        allowed = datetime.timedelta(days=self.model.SUBMISSION_DAYS)
        deadline = ExpressionWrapper(F("signed_on") + allowed, output_field=models.DateField())
        return Q(submitted_on__gt=deadline)

    def _unsubmitted_past_deadline(self, today):
        # Signed on this day, an agreement may still be submitted today.
        earliest_in_time = today - datetime.timedelta(days=self.model.SUBMISSION_DAYS)
        return Q(submitted_on__isnull=True, signed_on__lt=earliest_in_time)


def in_scope_condition(period):
    """The units ``period`` counts, as a condition the database and ``evaluate`` both read."""
    return Q(
        registration="verified",
        union_established_on__lte=period.end,
    ) & (Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=period.end))


def latest_declaration(period):
    Headcount = _model("HeadcountDeclaration")
    return Headcount.objects.filter(enterprise=OuterRef("pk"), as_of__lte=period.end).order_by(
        "-as_of"
    )


def record_conditions(period):
    """Which records each indicator's column looks at, by model: the README's "Indicator
    definitions", written once.

    A flag is 1 when a unit has at least one matching record (or, for a ``Latest`` condition,
    when its latest record on or before the period's end matches), a count is how many it has.
    The per-row columns below, the grouped statement of ``compliance.grouped_rows`` and the
    frozen-figures check of ``EnterpriseRecord.figure_facts`` are all built from these
    conditions, so they cannot drift apart.
    """
    year = (period.year_start, period.end)
    whole_period = (period.start, period.end)
    in_force = Q(effective_from__lte=period.end, expires_on__gte=period.end)

    def latest_in_force_graded(grade):
        # The latest signed of the agreements in force on E gives the unit's grade.
        return Latest(Q(grade=grade), "signed_on", period.end, among=in_force)

    return {
        "HeadcountDeclaration": {
            "eligible": Latest(
                Q(union_members__gte=period.min_members, operating=True), "as_of", period.end
            ),
            "declared": Q(as_of__range=year),
            "latest_workers": LatestValue("workers", "as_of", period.end),
        },
        "WorkerConference": {"has_conference": Q(held_on__range=year)},
        "CollectiveAgreement": {
            "has_agreement": in_force,
            "agreements_signed": Q(signed_on__range=whole_period),
            **{f"grade_{g.lower() or 'none'}": latest_in_force_graded(g) for g in AGREEMENT_GRADES},
        },
        "Dialogue": {
            "has_periodic_dialogue": Q(kind="periodic", held_on__range=year),
            "has_dialogue": Q(held_on__range=year),
            "dialogues_periodic": Q(kind="periodic", held_on__range=whole_period),
            "dialogues_ad_hoc": Q(kind__in=_model("Dialogue").AD_HOC_KINDS)
            & Q(held_on__range=whole_period),
        },
        "Regulation": {"has_regulation": Q(issued_on__lte=period.end)},
        "OfficialsConference": {"has_officials_conference": Q(held_on__range=year)},
        "InspectionBoard": {
            "has_board": Q(elected_on__lte=period.end, term_ends_on__gte=period.end)
        },
    }


# The grades of a collective agreement, "" for one not graded.
AGREEMENT_GRADES = ("A", "B", "C", "D", "")


def unit_conditions(period):
    """Per-unit flags read on the unit itself rather than on its records."""
    from .models import BOARD_SECTORS

    return {"board_sector": Q(sector__in=BOARD_SECTORS)}


def _latest_flag(records, latest):
    """1 when the unit's latest record on or before ``latest.until`` meets its condition."""
    newest = records.filter(latest.in_time()).order_by(f"-{latest.date_field}")
    meets = newest.annotate(meets=as_flag(latest.condition)).values("meets")[:1]
    return Coalesce(Subquery(meets, output_field=IntegerField()), Value(0))


def _latest_value(records, latest):
    """The number on the unit's latest record on or before ``latest.until``, 0 without one."""
    newest = records.filter(latest.in_time()).order_by(f"-{latest.date_field}")
    value = newest.values(latest.field)[:1]
    return Coalesce(Subquery(value, output_field=IntegerField()), Value(0))


def indicator_columns(period):
    """The per-row columns of the indicators for ``period``."""
    columns = {name: as_flag(condition) for name, condition in unit_conditions(period).items()}
    for model_name, conditions in record_conditions(period).items():
        records = _model(model_name).objects.filter(enterprise=OuterRef("pk"))
        for name, condition in conditions.items():
            if isinstance(condition, LatestValue):
                columns[name] = _latest_value(records, condition)
            elif isinstance(condition, Latest):
                columns[name] = _latest_flag(records, condition)
            elif name in FLAG_FIELDS:
                columns[name] = as_flag(Exists(records.filter(condition)))
            else:
                columns[name] = count_of(records.filter(condition))
    return columns


def shortfall_columns(period):
    """Facts behind the reasons: latest headcount, last conference, last lapsed agreement."""
    Conference = _model("WorkerConference")
    Agreement = _model("CollectiveAgreement")
    Dialogue = _model("Dialogue")
    latest = latest_declaration(period)
    of_unit = {"enterprise": OuterRef("pk")}

    def date_of(queryset, field, pick=Max):
        dated = queryset.order_by().values("enterprise").annotate(d=pick(field)).values("d")
        return Subquery(dated, output_field=models.DateField())

    return {
        "latest_as_of": Subquery(latest.values("as_of")[:1]),
        "latest_members": Subquery(latest.values("union_members")[:1]),
        "latest_operating": Subquery(latest.values("operating")[:1]),
        "last_conference_on": date_of(
            Conference.objects.filter(**of_unit, held_on__lte=period.end), "held_on"
        ),
        "last_periodic_dialogue_on": date_of(
            Dialogue.objects.filter(**of_unit, kind="periodic", held_on__lte=period.end),
            "held_on",
        ),
        "last_agreement_expired_on": date_of(
            Agreement.objects.filter(**of_unit, expires_on__lt=period.end), "expires_on"
        ),
        "next_agreement_from": date_of(
            # Only an agreement already signed by the period's end explains it; one signed
            # later was not yet there to be waited for.
            Agreement.objects.filter(
                **of_unit, effective_from__gt=period.end, signed_on__lte=period.end
            ),
            "effective_from",
            pick=Min,
        ),
    }


class InspectionBoardQuerySet(RecordQuerySet):
    """People's Inspection Boards by their term, counted from the model's one constant: officers
    are reminded ``TERM_WARNING_DAYS`` before the term of the board in office ends."""

    def term_ending_soon(self, today):
        """Boards in office whose term ends from today to ``TERM_WARNING_DAYS`` days on, both
        days included. A board a later election has replaced is no longer in office."""
        last_day = today + datetime.timedelta(days=self.model.TERM_WARNING_DAYS)
        successors = self.model._base_manager.filter(
            enterprise=OuterRef("enterprise"), elected_on__gt=OuterRef("elected_on")
        )
        return self.filter(term_ends_on__range=(today, last_day)).exclude(Exists(successors))

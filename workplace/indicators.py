"""The indicators, each written once: what it counts, how it is labelled, shown and explained.

Everything that shows a figure derives from ``INDICATORS``: the engine's sums and rates
(``compliance``), the reviewer's dashboard and exports, the federation's reports, the public
tables, charts and blocks, the open-data files, the half-year workbook and the report writer.
Which records a figure counts is its record condition (``querysets.record_conditions``), named
by ``column``; the README's "Indicator definitions" states both in words.

Adding an indicator is one entry here plus its record condition.
"""

import dataclasses
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from .conditions import evaluate
from .dates import format_day

# What an indicator sums per unit: a 0/1 flag (the unit held a conference) or a count of
# records (its dialogues). A rated indicator is also shown as a rate among ``among``.
FLAG = "flag"
COUNT = "count"

# Where an indicator is shown, besides the open-data files and exports (which show them all).
DASHBOARD = "dashboard"  # the reviewer's dashboard, the admin report, the plain-text table
PUBLIC_TABLE = "public table"  # the public breakdown tables
HEADLINE = "headline"  # the public headline and the admin's home panel
HALF_YEAR = "half-year"  # the federation's half-year workbook
REPORT = "report"  # the report writer's paragraph of rates and its comparison
SUMMARY = "summary"  # the report writer's one-sentence summary


@dataclasses.dataclass(frozen=True)
class Phrase:
    """Words of the report writer, which writes both languages at once."""

    vi: str
    en: str

    def __getitem__(self, language):
        return getattr(self, language)


@dataclasses.dataclass(frozen=True)
class Indicator:
    key: str  # its name on screens and blocks; a count's name in the figures too
    label: object  # on screens
    heading: object  # as a column of the figures' files
    kind: str = COUNT  # FLAG or COUNT
    column: str | None = None  # the per-unit flag or count it sums; None counts the units
    among: str = "units"  # the units it is counted among: "units" or only the "eligible"
    count_key: str | None = None  # a rate's numerator in the figures, when not ``key``
    rate_heading: object = None  # a rated indicator: the heading of its rate's column
    rate_over: str | None = None  # the figure a rate divides by, when not ``among``
    rate_name: str | None = None  # the rate's key, when not "<key>_rate"
    parts: tuple = ()  # a total of other indicators, rather than a sum of its own
    grades: tuple = ()  # (grade, figure) pairs: an object counting units by grade
    hidden: bool = False  # summed to build another indicator (a grade), not a figure itself
    public_label: object = None  # on the public site, when it says more than ``label``
    table_heading: object = None  # a column of the staff's tables, when not ``label``
    public_heading: object = None  # a column of the public tables, when not ``public_label``
    half_year_heading: object = None  # in the half-year workbook, when not ``label``
    half_year_rate: bool = True  # a rated indicator's rate is in the half-year workbook too
    shown_in: frozenset = frozenset()
    # A unit falls short of the indicator when, annotated ``with_shortfall_facts``, it meets
    # ``falls_short``; ``reason`` says why in words.
    falls_short: Q | None = None
    reason: object = None
    done: Phrase | None = None  # what the counted units did, after "95/104 units (91.3%)"
    summary_done: Phrase | None = None  # the same in the summary, when worded otherwise
    compared: Phrase | None = None  # the figure as the subject of a comparison

    @property
    def rated(self):
        return self.rate_heading is not None

    @property
    def figure_key(self):
        """The key of its count in the figures (a rate's numerator)."""
        return self.count_key or self.key

    @property
    def rate_key(self):
        if not self.rated:
            return None
        return self.rate_name or f"{self.key}_rate"

    @property
    def denominator(self):
        """The figure its rate divides by."""
        return self.rate_over or self.among

    @property
    def summed(self):
        """Summed by the engine (not built from other indicators)."""
        return not self.parts and not self.grades

    def keys(self):
        """Its keys in a figures row: the count, then the rate if it has one."""
        if self.hidden:
            return ()
        return (self.figure_key, self.rate_key) if self.rated else (self.figure_key,)

    def shown(self, place):
        return place in self.shown_in


# --- why a unit falls short, beside the condition that decides it -------------------------


def _missing_conference(row, period):
    since = format_day(period.year_start)
    if row.last_conference_on:
        return _("No worker conference held since %(since)s (the last one was on %(date)s).") % {
            "since": since,
            "date": format_day(row.last_conference_on),
        }
    return _("No worker conference held since %(since)s.") % {"since": since}


def _missing_agreement(row, period):
    if row.next_agreement_from:
        return _("The collective agreement only takes effect on %(date)s.") % {
            "date": format_day(row.next_agreement_from)
        }
    if row.last_agreement_expired_on:
        return _("The collective agreement expired on %(date)s.") % {
            "date": format_day(row.last_agreement_expired_on)
        }
    return _("No collective agreement in force.")


def _missing_periodic_dialogue(row, period):
    return _("No periodic dialogue held since %(since)s.") % {
        "since": format_day(period.year_start)
    }


def _missing_regulation(row, period):
    return _("No workplace democracy regulation issued on or before %(date)s.") % {
        "date": format_day(period.end)
    }


def _missing_board(row, period):
    return _("No People's Inspection Board in office on %(date)s.") % {
        "date": format_day(period.end)
    }


def _missing_declaration(row, period):
    return _("No headcount declared since %(since)s (the latest is of %(date)s).") % {
        "since": format_day(period.year_start),
        "date": format_day(row.latest_as_of),
    }


def not_required_reasons(row, period):
    """Why a unit annotated ``with_shortfall_facts(period)`` need not hold a worker conference;
    empty when it must (it is eligible)."""
    if row.eligible:
        return []
    if row.latest_as_of is None:
        return [
            _("No headcount declared on or before %(date)s.") % {"date": format_day(period.end)}
        ]
    if not row.latest_operating:
        return [
            _("Operations temporarily suspended (declaration of %(date)s).")
            % {"date": format_day(row.latest_as_of)}
        ]
    return [
        _("%(members)s union members, fewer than %(minimum)s.")
        % {"members": row.latest_members, "minimum": period.min_members}
    ]


# A unit that is not eligible (too few members, operations suspended, no declaration) is not
# required to hold a worker conference: it is left out of the rates counted among the eligible,
# so it does not fall short of them.
NOT_ELIGIBLE = Q(eligible=0)


def _short_among_eligible(column):
    return Q(eligible=1, **{column: 0})


# --- the table --------------------------------------------------------------------------------

_EVERYWHERE = frozenset({DASHBOARD, PUBLIC_TABLE, HEADLINE, HALF_YEAR})

INDICATORS = (
    Indicator(
        key="units",
        label=gettext_lazy("Units in scope"),
        heading=gettext_lazy("Units"),
        public_label=gettext_lazy("Grassroots unions"),
        table_heading=gettext_lazy("Units"),
        half_year_heading=pgettext_lazy("half-year report heading", "Grassroots unions"),
        shown_in=_EVERYWHERE,
    ),
    Indicator(
        key="eligible",
        column="eligible",
        kind=FLAG,
        label=gettext_lazy("Eligible"),
        heading=gettext_lazy("Eligible"),
        public_label=gettext_lazy("Units required to hold a worker conference"),
        public_heading=gettext_lazy("Required to hold a conference"),
        half_year_heading=pgettext_lazy(
            "half-year report heading", "Units required to hold a worker conference"
        ),
        shown_in=_EVERYWHERE | {REPORT},
        compared=Phrase(
            vi="số đơn vị thuộc diện tổ chức hội nghị người lao động",
            en="the number of units that had to hold a worker conference",
        ),
    ),
    Indicator(
        key="conference",
        column="has_conference",
        kind=FLAG,
        among="eligible",
        count_key="conference_held",
        label=gettext_lazy("Worker conference held"),
        heading=gettext_lazy("Conference held"),
        rate_heading=gettext_lazy("Conference rate (%)"),
        table_heading=gettext_lazy("Worker conference"),
        shown_in=_EVERYWHERE | {REPORT, SUMMARY},
        falls_short=_short_among_eligible("has_conference"),
        reason=_missing_conference,
        done=Phrase(vi="đã tổ chức hội nghị người lao động", en="held a worker conference"),
        summary_done=Phrase(
            vi="thuộc diện đã tổ chức hội nghị người lao động",
            en="that had to hold a worker conference held one",
        ),
        compared=Phrase(
            vi="tỷ lệ đơn vị tổ chức hội nghị người lao động",
            en="the share of units that held a worker conference",
        ),
    ),
    Indicator(
        key="agreement",
        column="has_agreement",
        kind=FLAG,
        among="eligible",
        count_key="agreement_in_force",
        label=gettext_lazy("Collective agreement in force"),
        heading=gettext_lazy("Agreement in force"),
        rate_heading=gettext_lazy("Agreement rate (%)"),
        table_heading=gettext_lazy("Collective agreement"),
        shown_in=_EVERYWHERE | {REPORT, SUMMARY},
        falls_short=_short_among_eligible("has_agreement"),
        reason=_missing_agreement,
        done=Phrase(
            vi="có thỏa ước lao động tập thể đang có hiệu lực",
            en="had a collective agreement in force",
        ),
        compared=Phrase(
            vi="tỷ lệ đơn vị có thỏa ước lao động tập thể đang có hiệu lực",
            en="the share with a collective agreement in force",
        ),
    ),
    Indicator(
        key="periodic_dialogue",
        column="has_periodic_dialogue",
        kind=FLAG,
        among="eligible",
        count_key="periodic_dialogue_held",
        label=gettext_lazy("Periodic dialogue held"),
        heading=gettext_lazy("Periodic dialogue held"),
        rate_heading=gettext_lazy("Periodic dialogue rate (%)"),
        table_heading=gettext_lazy("Periodic dialogue"),
        shown_in=frozenset({DASHBOARD, PUBLIC_TABLE, REPORT}),
        falls_short=_short_among_eligible("has_periodic_dialogue"),
        reason=_missing_periodic_dialogue,
        done=Phrase(
            vi="đã tổ chức đối thoại định kỳ tại nơi làm việc",
            en="held a periodic dialogue at the workplace",
        ),
    ),
    Indicator(
        key="dialogues",
        parts=("dialogues_periodic", "dialogues_ad_hoc"),
        label=gettext_lazy("Dialogues"),
        heading=gettext_lazy("Dialogues"),
        public_label=gettext_lazy("Dialogues at the workplace"),
        public_heading=gettext_lazy("Dialogues"),
        half_year_heading=gettext_lazy("Dialogues (periodic and ad hoc)"),
        shown_in=_EVERYWHERE | {REPORT},
        compared=Phrase(vi="số cuộc đối thoại", en="the number of dialogues"),
    ),
    Indicator(
        key="dialogues_periodic",
        column="dialogues_periodic",
        label=gettext_lazy("Periodic dialogues"),
        heading=gettext_lazy("Periodic dialogues"),
    ),
    Indicator(
        key="dialogues_ad_hoc",
        column="dialogues_ad_hoc",
        label=gettext_lazy("Ad hoc dialogues"),
        heading=gettext_lazy("Ad hoc dialogues"),
    ),
    Indicator(
        key="agreements_signed",
        column="agreements_signed",
        label=gettext_lazy("Agreements signed"),
        heading=gettext_lazy("Agreements signed"),
        public_label=gettext_lazy("Collective agreements signed"),
    ),
    Indicator(
        key="declared",
        column="declared",
        kind=FLAG,
        label=gettext_lazy("Headcount declared"),
        heading=gettext_lazy("Headcount declared"),
        rate_heading=gettext_lazy("Declared rate (%)"),
        public_label=gettext_lazy("Headcount declared this year"),
        shown_in=frozenset({DASHBOARD, HALF_YEAR}),
        half_year_rate=False,
        # Any unit with a declaration falls short once its latest is older than the year; a
        # unit with none is not required to hold a conference, which says it already.
        falls_short=Q(declared=0, latest_as_of__isnull=False),
        reason=_missing_declaration,
    ),
    Indicator(
        key="regulation",
        column="has_regulation",
        kind=FLAG,
        among="eligible",
        count_key="regulation_issued",
        label=gettext_lazy("Workplace democracy regulation issued"),
        heading=gettext_lazy("Regulation issued"),
        rate_heading=gettext_lazy("Regulation rate (%)"),
        shown_in=frozenset({HALF_YEAR}),
        falls_short=_short_among_eligible("has_regulation"),
        reason=_missing_regulation,
    ),
    Indicator(
        key="dialogue",
        column="has_dialogue",
        kind=FLAG,
        among="eligible",
        count_key="dialogue_held",
        label=gettext_lazy("Dialogue held (any kind)"),
        heading=gettext_lazy("Dialogue held"),
        rate_heading=gettext_lazy("Dialogue rate (%)"),
    ),
    Indicator(
        key="workers",
        column="latest_workers",
        among="eligible",
        label=gettext_lazy("Workers of the eligible units"),
        heading=gettext_lazy("Workers"),
        shown_in=frozenset({HALF_YEAR}),
    ),
    Indicator(
        key="workers_covered",
        column="latest_workers",
        among="agreement_in_force",
        rate_over="workers",
        rate_name="worker_coverage_rate",
        label=gettext_lazy("Workers covered by a collective agreement"),
        heading=gettext_lazy("Workers covered"),
        rate_heading=gettext_lazy("Worker coverage rate (%)"),
        shown_in=frozenset({HALF_YEAR}),
    ),
    Indicator(
        key="inspection_board_required",
        column="board_sector",
        kind=FLAG,
        among="eligible",
        label=gettext_lazy("State-owned enterprises with an inspection board to elect"),
        heading=gettext_lazy("Inspection board required"),
    ),
    Indicator(
        key="inspection_board",
        column="has_board",
        kind=FLAG,
        among="inspection_board_required",
        count_key="inspection_board_in_office",
        label=gettext_lazy("People's Inspection Board in office"),
        heading=gettext_lazy("Inspection board in office"),
        rate_heading=gettext_lazy("Inspection board rate (%)"),
        # Only a state-owned enterprise is asked for a board (``board_sector``).
        falls_short=Q(eligible=1, board_sector=1, has_board=0),
        reason=_missing_board,
    ),
    *(
        Indicator(
            key=f"agreements_grade_{grade or 'ungraded'}",
            column=f"grade_{grade.lower() or 'none'}",
            kind=FLAG,
            among="agreement_in_force",
            hidden=True,
            label=grade or gettext_lazy("Not graded"),
            heading=grade or gettext_lazy("Not graded"),
        )
        for grade in ("A", "B", "C", "D", "")
    ),
    Indicator(
        key="agreements_by_grade",
        grades=tuple(
            (grade or "ungraded", f"agreements_grade_{grade or 'ungraded'}")
            for grade in ("A", "B", "C", "D", "")
        ),
        label=gettext_lazy("Agreements in force by grade"),
        heading=gettext_lazy("Agreements by grade"),
    ),
)


def _missing_officials_conference(row, period):
    return _("No officials' conference held since %(since)s.") % {
        "since": format_day(period.year_start)
    }


# The public-sector regime: state agencies and public service units, all of them counted
# (no membership threshold).
PUBLIC_SECTOR_INDICATORS = (
    Indicator(
        key="units",
        label=gettext_lazy("Units in scope"),
        heading=gettext_lazy("Units"),
        public_label=gettext_lazy("Agencies and public service units"),
        half_year_heading=pgettext_lazy(
            "half-year report heading", "Agencies and public service units"
        ),
        shown_in=frozenset({DASHBOARD, PUBLIC_TABLE, HEADLINE, HALF_YEAR}),
    ),
    Indicator(
        key="officials_conference",
        column="has_officials_conference",
        kind=FLAG,
        count_key="officials_conference_held",
        label=gettext_lazy("Officials' conference held"),
        heading=gettext_lazy("Officials' conference held"),
        rate_heading=gettext_lazy("Officials' conference rate (%)"),
        shown_in=frozenset({DASHBOARD, PUBLIC_TABLE, HEADLINE, HALF_YEAR, REPORT}),
        falls_short=Q(has_officials_conference=0),
        reason=_missing_officials_conference,
        done=Phrase(
            vi="đã tổ chức hội nghị cán bộ, công chức, viên chức",
            en="held the conference of cadres, civil servants and public employees",
        ),
    ),
    Indicator(
        key="inspection_board",
        column="has_board",
        kind=FLAG,
        count_key="inspection_board_in_office",
        label=gettext_lazy("People's Inspection Board in office"),
        heading=gettext_lazy("Inspection board in office"),
        rate_heading=gettext_lazy("Inspection board rate (%)"),
        shown_in=frozenset({DASHBOARD, PUBLIC_TABLE, HEADLINE, HALF_YEAR, REPORT}),
        falls_short=Q(has_board=0),
        reason=_missing_board,
        done=Phrase(
            vi="có ban thanh tra nhân dân đang hoạt động",
            en="had a People's Inspection Board in office",
        ),
    ),
)


class Table:
    """One regime's indicators and what derives from their order and links."""

    def __init__(self, indicators):
        self.indicators = indicators
        self.by_key = {indicator.key: indicator for indicator in indicators}
        self.by_figure = {indicator.figure_key: indicator for indicator in indicators}
        self.summed = tuple(indicator for indicator in indicators if indicator.summed)
        self.rated = tuple(indicator for indicator in indicators if indicator.rated)
        # Every key of a figures row, in the order screens and files show them.
        self.keys = tuple(key for indicator in indicators for key in indicator.keys())
        # The counts the engine sums: everything else derives from them.
        self.figure_fields = tuple(indicator.figure_key for indicator in self.summed)
        self.falls_short = Q()
        for indicator in indicators:
            if indicator.falls_short is not None:
                self.falls_short |= indicator.falls_short

    def unit_set(self, figure_key):
        """The per-unit flags whose product marks the units a figure counts ("units": none)."""
        if figure_key == "units":
            return ()
        indicator = self.by_figure[figure_key]
        return (*self.unit_set(indicator.among), indicator.column)

    def counted_columns(self, indicator):
        """The per-unit columns multiplied in the engine's sum of ``indicator``."""
        return (*self.unit_set(indicator.among), indicator.column)

    def shown_in(self, place):
        return tuple(indicator for indicator in self.indicators if indicator.shown(place))


WORKER_TABLE = Table(INDICATORS)
PUBLIC_SECTOR_TABLE = Table(PUBLIC_SECTOR_INDICATORS)
TABLES = {"worker": WORKER_TABLE, "public_sector": PUBLIC_SECTOR_TABLE}

# The worker regime's table by its parts, as most screens read it.
BY_KEY = WORKER_TABLE.by_key
SUMMED = WORKER_TABLE.summed
RATED = WORKER_TABLE.rated
INDICATOR_KEYS = WORKER_TABLE.keys
FIGURE_FIELDS = WORKER_TABLE.figure_fields
RATE_KEYS = frozenset(indicator.rate_key for table in TABLES.values() for indicator in table.rated)

# The per-unit columns the engine sums: 0/1 flags and counts of records.
_ALL = (*INDICATORS, *PUBLIC_SECTOR_INDICATORS)
FLAG_COLUMNS = tuple(dict.fromkeys(i.column for i in _ALL if i.column and i.kind == FLAG))
COUNT_COLUMNS = tuple(dict.fromkeys(i.column for i in _ALL if i.column and i.kind == COUNT))


def shown_in(place, table=WORKER_TABLE):
    return table.shown_in(place)


def shortfall_reasons(row, period, table=WORKER_TABLE):
    """What a unit annotated ``with_shortfall_facts(period)`` falls short of, in words, by
    the indicators of its regime's ``table``."""
    return [
        indicator.reason(row, period)
        for indicator in table.indicators
        if indicator.reason and falls_short_of(indicator, row)
    ]


def falls_short_of(indicator, row):
    """``indicator.falls_short`` read on one annotated row, as the database reads it."""
    return bool(evaluate(indicator.falls_short, vars(row)))


# --- figures: additive counts, and what derives from them -------------------------------------


def rate(numerator, denominator, places=1):
    """A percentage rounded half-up to ``places`` decimals (95/104 → 91.3, or 91.35 with 2);
    None when there is nothing to divide."""
    if not denominator:
        return None
    exact = Decimal(numerator) * 100 / Decimal(denominator)
    return float(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


class Figures:
    """Additive counts for a set of units, one per summed indicator of ``TABLE``; rates and
    indicators built from others are derived, never summed."""

    TABLE = WORKER_TABLE

    def __init__(self, *counts, **named):
        fields = self.TABLE.figure_fields
        values = dict(zip(fields, counts, strict=False))
        values.update(named)
        unknown = set(values) - set(fields)
        if unknown:
            raise TypeError(f"unknown figures: {sorted(unknown)}")
        for name in fields:
            setattr(self, name, values.get(name, 0))

    def __eq__(self, other):
        return type(other) is type(self) and vars(self) == vars(other)

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(f'{k}={v}' for k, v in vars(self).items())})"

    def add(self, other):
        for name in self.TABLE.figure_fields:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    def as_dict(self, decimals=1):
        row = {}
        for indicator in self.TABLE.indicators:
            if indicator.hidden:
                continue
            if indicator.grades:
                row[indicator.key] = {grade: getattr(self, key) for grade, key in indicator.grades}
                continue
            if indicator.parts:
                count = sum(getattr(self, part) for part in indicator.parts)
            else:
                count = getattr(self, indicator.figure_key)
            row[indicator.figure_key] = count
            if indicator.rated:
                denominator = row[indicator.denominator]
                row[indicator.rate_key] = rate(count, denominator, decimals)
        return row


class PublicSectorFigures(Figures):
    TABLE = PUBLIC_SECTOR_TABLE


FIGURES_OF = {"worker": Figures, "public_sector": PublicSectorFigures}


# --- how figures read -------------------------------------------------------------------------


def format_decimal(value, places=1):
    """91.3 as '91,3' in Vietnamese and '91.3' in English (union_site/formats/)."""
    return formats.number_format(value, decimal_pos=places, use_l10n=True)


def format_ratio(numerator, denominator, percent):
    """'95/104 (91,3%)' in Vietnamese, '95/104 (91.3%)' in English."""
    if percent is None:
        return f"{numerator}/{denominator}"
    return f"{numerator}/{denominator} ({format_decimal(percent)}%)"


def shown_value(indicator, row):
    """An indicator of a figures row as people read it: a ratio or a count ("–" when the row
    was frozen before the indicator existed)."""
    if row.get(indicator.figure_key) is None:
        return "–"
    if indicator.rated:
        return format_ratio(
            row[indicator.figure_key], row[indicator.among], row[indicator.rate_key]
        )
    return row[indicator.figure_key]


def file_keys(table=WORKER_TABLE):
    """The columns of a figures row in a file: ``table.keys`` with an object of grades spread
    over one column per grade ("agreements_by_grade_A", …)."""
    keys = []
    for indicator in table.indicators:
        if indicator.grades:
            keys += [f"{indicator.key}_{grade}" for grade, _figure in indicator.grades]
        else:
            keys += indicator.keys()
    return tuple(keys)


def flat_row(row, table=WORKER_TABLE):
    """A figures row with ``file_keys``: each object of grades spread over its columns."""
    flat = dict(row)
    for indicator in table.indicators:
        if indicator.grades:
            grades = flat.pop(indicator.key, None) or {}
            for grade, _figure in indicator.grades:
                flat[f"{indicator.key}_{grade}"] = grades.get(grade)
    return flat


def file_lines(rows, totals):
    """A breakdown's rows and its closing total as lines of a file: code, name, then every
    ``file_keys`` figure (each row flattened once)."""
    keys = file_keys()
    lines = []
    for row in rows:
        flat = flat_row(row)
        lines.append([row["code"], row["name"], *(flat.get(key) for key in keys)])
    flat = flat_row(totals)
    lines.append(["", _("Total"), *(flat[key] for key in keys)])
    return lines


def export_headings(table=WORKER_TABLE):
    """Column headings of every column of a figures row in a file, in ``file_keys`` order."""
    headings = {}
    for indicator in table.indicators:
        if indicator.grades:
            for grade, figure in indicator.grades:
                graded = table.by_figure[figure].heading
                headings[f"{indicator.key}_{grade}"] = f"{indicator.heading}: {graded}"
            continue
        if indicator.hidden:
            continue
        headings[indicator.figure_key] = indicator.heading
        if indicator.rated:
            headings[indicator.rate_key] = indicator.rate_heading
    return {key: str(heading) for key, heading in headings.items()}


def staff_heading(indicator):
    return indicator.table_heading or indicator.label


def public_label(indicator):
    return indicator.public_label or indicator.label


def public_heading(indicator):
    return indicator.public_heading or public_label(indicator)


def table_headings(place, table=WORKER_TABLE):
    """The column headings of the tables of ``place`` (``DASHBOARD`` or ``PUBLIC_TABLE``)."""
    heading = public_heading if place == PUBLIC_TABLE else staff_heading
    return [str(heading(indicator)) for indicator in table.shown_in(place)]


def shown_row(row, place, table=WORKER_TABLE, **extra):
    """A figures row as the tables of ``place`` show it: each indicator by its key, and
    ``cells`` in column order with their headings (a phone shows them beside the value)."""
    shown = {"name": row["name"], **extra}
    cells = []
    columns = zip(table.shown_in(place), table_headings(place, table), strict=True)
    for indicator, heading in columns:
        shown[indicator.key] = shown_value(indicator, row)
        cells.append({"label": heading, "value": shown[indicator.key]})
    shown["cells"] = cells
    return shown


def display_row(row, url=None):
    """A figures row as the dashboard and the admin report show it (ratios as
    '95/104 (91,3%)')."""
    return shown_row(row, DASHBOARD, code=row.get("code", ""), url=url)


def displayed_labels():
    """The label of each figure of ``display_row``, by key, in order."""
    return {indicator.key: indicator.label for indicator in shown_in(DASHBOARD)}

"""The public site's view of the figures: published snapshots only, shaped for templates.

Everything public reads a period through ``published_coverage``, which answers ``None`` unless
the period is published and frozen, so a locked, open or unlocked period's figures never reach
a public page, whichever page, block or file asks for them.
"""

import datetime
import functools
import hashlib
import sys
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import formats, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

import union_site.formats
from workplace import compliance, indicators
from workplace.compliance import coverage, frozen_on_todays_map
from workplace.indicators import (
    BY_KEY,
    HEADLINE,
    INDICATORS,
    PUBLIC_SECTOR_TABLE,
    PUBLIC_TABLE,
    RATED,
    WORKER_TABLE,
    format_decimal,
    public_label,
    shown_in,
    shown_row,
    shown_value,
    table_headings,
)
from workplace.models import ReportingPeriod

PUBLISHED = ReportingPeriod.Status.PUBLISHED
# Rendered figures are kept a day: their key changes whenever they would, the limit only
# clears the cache of periods nobody reads any more.
RENDERED_SECONDS = 24 * 3600
FROZEN = (ReportingPeriod.Status.LOCKED, ReportingPeriod.Status.PUBLISHED)

BREAKDOWN_CAPTIONS = {
    "area": gettext_lazy("By area"),
    "union_body": gettext_lazy("By union body"),
    "sector": gettext_lazy("By sector"),
}
BREAKDOWN_HEADINGS = {
    "area": gettext_lazy("Area"),
    "union_body": gettext_lazy("Union body"),
    "sector": gettext_lazy("Sector"),
}

ENGLISH_MONTHS = (
    "January February March April May June July August September October November December"
).split()


# --- reading published figures -------------------------------------------------------------


def is_public(period):
    return period is not None and period.status == PUBLISHED and bool(period.snapshot)


def published_coverage(period):
    """The frozen figures of a published period, else None: nothing else is ever public."""
    return coverage(period) if is_public(period) else None


def published_periods():
    return ReportingPeriod.objects.filter(status=PUBLISHED).exclude(snapshot=None)


def latest_published_period():
    return published_periods().order_by("-end", "start").first()


def _year_earlier(day):
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def comparable_period(period, statuses=(PUBLISHED,), defer_snapshot=False):
    """The period of the same kind one year earlier (first half against first half)."""
    if period is None:
        return None
    periods = (
        ReportingPeriod.objects.defer("snapshot") if defer_snapshot else ReportingPeriod.objects
    )
    return (
        periods.filter(
            start=_year_earlier(period.start), end=_year_earlier(period.end), status__in=statuses
        )
        .exclude(snapshot=None)
        .first()
    )


# --- words and numbers in the reader's language --------------------------------------------


def english_period_phrase(period):
    """'the first half of 2023', '2023', … — stored period names are Vietnamese."""
    start, end, year = period.start, period.end, period.end.year
    spans = {
        ((1, 1), (6, 30)): f"the first half of {year}",
        ((7, 1), (12, 31)): f"the second half of {year}",
        ((1, 1), (12, 31)): f"{year}",
        ((1, 1), (3, 31)): f"the first quarter of {year}",
        ((4, 1), (6, 30)): f"the second quarter of {year}",
        ((7, 1), (9, 30)): f"the third quarter of {year}",
        ((10, 1), (12, 31)): f"the fourth quarter of {year}",
    }
    span = ((start.month, start.day), (end.month, end.day))
    if span in spans:
        return spans[span]
    return f"{vietnamese_day(start)} to {vietnamese_day(end)}"


def english_period_name(period):
    phrase = english_period_phrase(period)
    if phrase.isdigit():
        return f"Year {phrase}"
    phrase = phrase.removeprefix("the ")
    return phrase[0].upper() + phrase[1:]


def english_day(day):
    """'30 June 2023': only for running prose in an article (the report writer's drafts)."""
    return f"{day.day} {ENGLISH_MONTHS[day.month - 1]} {day.year}"


def vietnamese_day(day):
    """'30/06/2023', as people read dates in both languages."""
    return day.strftime("%d/%m/%Y")


def english_active():
    return (translation.get_language() or settings.LANGUAGE_CODE) != settings.LANGUAGE_CODE


def period_label(period):
    """The period's name for the reader: as stored in Vietnamese, or its English name."""
    return english_period_name(period) if english_active() else period.name


def format_day(day):
    """A date on a public page: dd/mm/yyyy in either language (union_site/formats/)."""
    if isinstance(day, str):
        day = datetime.date.fromisoformat(day)
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def format_percent(value):
    return "—" if value is None else f"{format_decimal(value)}%"


def point_change(current, previous):
    """Percentage points between two rates, rounded to one decimal; None if either is None."""
    if current is None or previous is None:
        return None
    return round(current - previous, 1)


def describe_rate_change(current, previous, period_name):
    points = point_change(current, previous)
    if points is None:
        return None
    if points > 0:
        text = _("up %(points)s percentage points on %(period)s")
    elif points < 0:
        text = _("down %(points)s percentage points on %(period)s")
    else:
        text = _("unchanged on %(period)s")
    return text % {"points": format_decimal(abs(points)), "period": period_name}


def describe_count_change(current, previous, period_name):
    difference = current - previous
    if difference > 0:
        text = _("%(count)s more than in %(period)s")
    elif difference < 0:
        text = _("%(count)s fewer than in %(period)s")
    else:
        text = _("the same as in %(period)s")
    return text % {"count": abs(difference), "period": period_name}


# --- what pages and blocks show --------------------------------------------------------------


def rate_choices():
    """What a chart can show: every rate."""
    return [(indicator.key, public_label(indicator)) for indicator in RATED]


def indicator_choices():
    """What a figure block can show: the rates, then the counts."""
    counts = [indicator for indicator in INDICATORS if not indicator.rated]
    return rate_choices() + [(indicator.key, public_label(indicator)) for indicator in counts]


def figure(totals, indicator, table=WORKER_TABLE):
    """One indicator as shown: its label and '95/104 (91,3%)' or a plain count."""
    indicator = table.by_key[indicator]
    shown = {"label": str(public_label(indicator)), "value": str(shown_value(indicator, totals))}
    if indicator.rated:
        shown["rate"] = totals[indicator.rate_key]
    return shown


def headline(totals, previous=None, previous_name=""):
    """The five headline figures, each with its change against ``previous`` totals if given."""
    items = []
    for indicator in shown_in(HEADLINE):
        item = figure(totals, indicator.key)
        item["change"] = None
        if previous is not None:
            if indicator.rated:
                key = indicator.rate_key
                item["change"] = describe_rate_change(totals[key], previous[key], previous_name)
            else:
                key = indicator.figure_key
                item["change"] = describe_count_change(totals[key], previous[key], previous_name)
        items.append(item)
    items[-1]["detail"] = _("%(periodic)s periodic, %(ad_hoc)s ad hoc") % {
        "periodic": totals["dialogues_periodic"],
        "ad_hoc": totals["dialogues_ad_hoc"],
    }
    return items


def table_row(row, table=WORKER_TABLE):
    return shown_row(row, PUBLIC_TABLE, table)


def coverage_table(figures, by="area", table=WORKER_TABLE, section=None):
    """Rows, a total row and the headings of one breakdown of a published snapshot (of its
    agencies and public service units with ``table`` and ``section`` of that regime)."""
    section = section or figures
    return {
        "caption": _("%(breakdown)s, %(period)s")
        % {"breakdown": BREAKDOWN_CAPTIONS[by], "period": figures["period_label"]},
        "row_heading": str(BREAKDOWN_HEADINGS[by]),
        "headings": table_headings(PUBLIC_TABLE, table),
        "rows": [table_row(row, table) for row in section["breakdowns"][by]],
        "total": table_row({"name": _("Total"), **section["totals"]}, table),
    }


def public_sector_results(figures):
    """The agencies' and public service units' headline and table by area; None when the
    snapshot counts none of them."""
    section = figures.get("public_sector")
    if not section or not section["totals"].get("units"):
        return None
    table = PUBLIC_SECTOR_TABLE
    return {
        "headline": [
            figure(section["totals"], indicator.key, table)
            for indicator in table.shown_in(HEADLINE)
        ],
        "table": coverage_table(figures, "area", table, section),
    }


CHART_TITLES = {
    "area": gettext_lazy("Rates by area"),
    "union_body": gettext_lazy("Rates by union body"),
    "sector": gettext_lazy("Rates by sector"),
}


def chart_series(indicators):
    return [
        {
            "key": BY_KEY[key].rate_key,
            "label": str(public_label(BY_KEY[key])),
            "css": f"s{n}",
        }
        for n, key in enumerate(indicators, start=1)
    ]


# Chart geometry in SVG user units; the SVG scales to the page width.
CHART_WIDTH = 360
BAR_SPACE = 290  # the longest bar (100%); the rest holds the value label
BAR_HEIGHT = 16
BAR_GAP = 4
LABEL_HEIGHT = 20
GROUP_GAP = 14
LEGEND_LINE = 22


def bar_chart(figures, indicators=("conference", "agreement"), by="area", chart_id="chart"):
    """A horizontal bar chart of rates per row: every coordinate computed here, none in HTML."""
    series = chart_series(indicators)
    # One legend line per series: long Vietnamese labels need the whole width.
    legend = [
        {**item, "y": 6 + n * LEGEND_LINE, "text_y": 19 + n * LEGEND_LINE}
        for n, item in enumerate(series)
    ]
    groups, lines = [], []
    y = len(series) * LEGEND_LINE + 10
    for row in figures["breakdowns"][by]:
        bars = []
        bar_y = y + LABEL_HEIGHT
        for item in series:
            value = row[item["key"]]
            width = 0 if value is None else round(value / 100 * BAR_SPACE, 1)
            bars.append(
                {
                    **item,
                    "y": bar_y,
                    "width": width,
                    "text_x": width + 6,
                    "text_y": bar_y + BAR_HEIGHT - 3,
                    "text": format_percent(value),
                }
            )
            bar_y += BAR_HEIGHT + BAR_GAP
        groups.append({"name": row["name"], "label_y": y + LABEL_HEIGHT - 6, "bars": bars})
        lines.append(
            "; ".join(
                [row["name"]]
                + [f"{bar['label']}: {bar['text']}" for bar in bars]  # read aloud in order
            )
        )
        y = bar_y + GROUP_GAP
    title = _("%(breakdown)s, %(period)s: %(indicators)s") % {
        "breakdown": CHART_TITLES[by],
        "period": figures["period_label"],
        "indicators": "; ".join(item["label"] for item in series),
    }
    return {
        "id": chart_id,
        "title": title,
        "description": _(
            "Horizontal bars, one pair per row, show each rate as a percentage; "
            "the same figures are listed below and in the table."
        ),
        "width": CHART_WIDTH,
        "height": y,
        "legend": legend,
        "groups": groups,
        "lines": lines,
    }


def methodology(period):
    """How the figures were counted, in words, from the period's own dates and rules."""
    values = {
        "period": period_label(period),
        "start": format_day(period.start),
        "end": format_day(period.end),
        "year_start": format_day(period.year_start),
        "minimum": period.min_members,
    }
    items = [
        (
            _("Period"),
            _(
                "%(period)s, from %(start)s to %(end)s. The figures were frozen when the "
                "period was locked; later corrections to the records do not change them."
            ),
        ),
        (
            _("Grassroots unions"),
            _(
                "Verified enterprises whose union was established on or before %(end)s and "
                "had not been dissolved by that day."
            ),
        ),
        (
            _("Units required to hold a worker conference"),
            _(
                "Grassroots unions whose latest headcount declaration on or before %(end)s "
                "shows at least %(minimum)s union members and normal operation. A unit "
                "without a declaration is not counted as required."
            ),
        ),
        (
            _("Worker conference held"),
            _(
                "Required units that held a worker conference between %(year_start)s and "
                "%(end)s, out of all required units."
            ),
        ),
        (
            _("Collective agreement in force"),
            _(
                "Required units with a collective agreement in effect on %(end)s, out of all "
                "required units."
            ),
        ),
        (
            _("Periodic dialogue held"),
            _(
                "Required units that held a periodic dialogue between %(year_start)s and "
                "%(end)s, out of all required units."
            ),
        ),
        (
            _("Dialogues at the workplace"),
            _(
                "Every dialogue held by a counted grassroots union between %(start)s and "
                "%(end)s: periodic ones and ad hoc ones (on request or after an event)."
            ),
        ),
        (
            _("Rates"),
            _(
                "Percentages rounded half up to one decimal place, always shown with the "
                "number of units counted and the number they are out of."
            ),
        ),
    ]
    return [{"term": term, "definition": text % values} for term, text in items]


def period_figures(period):
    """A published period's snapshot with its label in the reader's language, or None."""
    figures = published_coverage(period)
    if figures is not None:
        figures["period_label"] = period_label(period)
    return figures


# --- the results page's figures, rendered once ------------------------------------------------

RESULTS_TEMPLATE = "cms/includes/results_figures.html"


def _results_context(period):
    """What ``RESULTS_TEMPLATE`` shows of a published period, or None."""
    data = period_figures(period)
    if data is None:
        return None
    previous = period_figures(comparable_period(period))
    slug = period.slug
    return {
        "figures": data,
        "period_label": data["period_label"],
        "headline": headline(
            data["totals"],
            previous["totals"] if previous else None,
            previous["period_label"] if previous else "",
        ),
        "table": coverage_table(data, "area"),
        "filing_note": frozen_on_todays_map(period, data),
        "public_sector": public_sector_results(data),
        "chart": bar_chart(data, chart_id="results-chart"),
        "methodology": methodology(period),
        "downloads": [
            {
                "url": reverse(f"cms_api:coverage_{kind}", args=[slug]),
                "label": label,
                "kind": kind.upper(),
                "filename": f"coverage-{slug}.{kind}",
            }
            for kind, label in (
                ("csv", _("Figures by area as CSV (UTF-8)")),
                ("xlsx", _("Figures by area as an Excel workbook (XLSX)")),
                ("json", _("Figures by area as JSON")),
            )
        ],
    }


@functools.cache
def _rendering_stamp():
    """Changes with the templates, the code and the translations that shape the results
    page's figures, so a new release never serves what an earlier one rendered."""
    sources = [
        get_template(name).template.source
        for name in (
            RESULTS_TEMPLATE,
            "cms/includes/headline.html",
            "cms/includes/bar_chart.html",
            "cms/includes/coverage_table.html",
            "cms/includes/methodology.html",
        )
    ]
    code = [Path(m.__file__) for m in (sys.modules[__name__], indicators, compliance)]
    code += sorted(Path(union_site.formats.__file__).parent.rglob("*.py"))  # numbers, dates
    sources += [path.read_text(encoding="utf-8") for path in code]
    for folder in settings.LOCALE_PATHS:
        for catalogue in sorted(Path(folder).glob("*/LC_MESSAGES/django.mo")):
            sources.append(hashlib.sha256(catalogue.read_bytes()).hexdigest())
    return hashlib.sha256("\0".join(sources).encode()).hexdigest()[:16]


def _frozen_stamp(period):
    """What of a period its rendered figures show besides the snapshot, which cannot change
    while it is published: its slug and name (which can), and when it was published."""
    if period is None or period.published_at is None:
        return "-"
    named = f"{period.pk}\0{period.slug}\0{period.name}\0{period.published_at.timestamp()}"
    return hashlib.sha256(named.encode()).hexdigest()[:16]


def rendered_results(period_id):
    """The results page's figures as HTML, or None when the period is not public.

    A published snapshot never changes, so its tables, chart and headline are rendered once
    per language and kept in the cache, under the period's and its comparison's publication
    (publishing again, or unpublishing either, makes a new key) and ``_rendering_stamp``.
    A page served uncached then costs little more than finding the page.
    """
    slim = ReportingPeriod.objects.defer("snapshot")
    period = slim.filter(pk=period_id, status=PUBLISHED).exclude(snapshot=None).first()
    if period is None:
        return None
    previous = comparable_period(period, defer_snapshot=True)
    key = ":".join(
        (
            "results-figures",
            _frozen_stamp(period),
            _frozen_stamp(previous),
            translation.get_language() or settings.LANGUAGE_CODE,
            _rendering_stamp(),
        )
    )
    html = cache.get(key)
    if html is None:
        context = _results_context(ReportingPeriod.objects.get(pk=period_id))
        if context is None:
            return None
        html = render_to_string(RESULTS_TEMPLATE, context)
        cache.set(key, html, RENDERED_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by our own template, escaped there

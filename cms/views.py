"""Open data of published periods, and the public site search.

Only published periods exist here: any other slug is a 404, whatever its status.
"""

import datetime
import functools
import hashlib
import io
import re
import zipfile

from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import condition
from wagtail.models import Locale, Page

from workplace.compliance import BREAKDOWNS, coverage_report, report_csv
from workplace.downloads import CONTENT_TYPES, attachment
from workplace.indicators import PUBLIC_SECTOR_TABLE, WORKER_TABLE, file_keys, file_lines
from workplace.spreadsheets import write_xlsx

from . import field_guide, figures
from .cache import cache_public
from .models import hidden_page_ids

SEARCH_PAGE_SIZE = 20
DEFAULT_BREAKDOWN = "area"
# Part of every ETag of the open data: raise it when a file's layout changes, so that copies
# browsers and proxies kept of the old layout are not confirmed as current.
LAYOUT_REVISION = "1"


# --- published periods, read once per request ---------------------------------------------


def published_period_list(request):
    """The published periods, newest first; the ETag and the answer share one query."""
    if not hasattr(request, "_published_period_list"):
        request._published_period_list = list(figures.published_periods().order_by("-end", "start"))
    return request._published_period_list


def published_period_or_none(request, slug):
    """The published period ``slug``, or None: read once for its ETag and its figures."""
    found = request.__dict__.setdefault("_published_periods", {})
    if slug not in found:
        found[slug] = figures.published_periods().filter(slug=slug).first()
    return found[slug]


def not_published_message(slug):
    return _("No published reporting period “%(slug)s”.") % {"slug": slug}


def unknown_breakdown_message():
    return _("Unknown breakdown; use one of: %(list)s.") % {"list": ", ".join(BREAKDOWNS)}


def _published_period(request, slug):
    period = published_period_or_none(request, slug)
    if period is None:
        raise Http404(not_published_message(slug))
    return period


def _breakdown(request):
    by = request.GET.get("by") or DEFAULT_BREAKDOWN
    if by not in BREAKDOWNS:
        raise Http404(unknown_breakdown_message())
    return by


# --- HTTP validators: what a copy of the open data depends on -----------------------------


def _digest(*parts):
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32]


def _period_state(period):
    # The frozen figures change only when the period is locked again (``locked_at``); its
    # header (name, dates, rules, status) is read live, so it is part of the state too.
    return (
        period.slug,
        period.name,
        period.start,
        period.end,
        period.min_members,
        period.status,
        period.locked_at,
        period.published_at,
    )


def period_etag(kind, request, slug, **kwargs):
    """The ETag of a published period's figures as ``kind``; None when there are none."""
    period = published_period_or_none(request, slug)
    by = request.GET.get("by") or DEFAULT_BREAKDOWN
    if period is None or by not in BREAKDOWNS:
        return None
    language = translation.get_language()  # the files' "Total" row is in it
    return _digest(LAYOUT_REVISION, kind, by, language, *_period_state(period))


def period_last_modified(request, slug, **kwargs):
    """When the published figures were made public (a period published again is newer)."""
    period = published_period_or_none(request, slug)
    if period is None:
        return None
    return period.published_at or period.locked_at


def period_list_etag(kind, request, *args, **kwargs):
    # No Last-Modified for the list: unlocking the newest period makes it older, not newer.
    states = [_period_state(period) for period in published_period_list(request)]
    return _digest(LAYOUT_REVISION, kind, request.build_absolute_uri("/"), *states)


def conditional_on_period(kind):
    """Answer 304 to a client whose copy of a period's figures as ``kind`` is current."""
    return condition(
        etag_func=functools.partial(period_etag, kind), last_modified_func=period_last_modified
    )


def conditional_on_period_list(kind):
    """Answer 304 to a client whose copy of the list of published periods is current."""
    return condition(etag_func=functools.partial(period_list_etag, kind))


# --- the files ------------------------------------------------------------------------------


def open_data(response):
    # Open data may be read by any web page.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def json_response(data, **dumps_params):
    return JsonResponse(
        data,
        safe=False,
        content_type=CONTENT_TYPES["json"],
        json_dumps_params={"ensure_ascii": False, **dumps_params},
    )


def report_rows(report):
    """Header, one row per breakdown entry and a total row, with typed cells."""
    columns = ["code", "name", *file_keys()]
    return [columns, *file_lines(report["breakdown"], report["totals"])]


def _figures_json(report, period, by):
    return json_response(report, indent=2)


def _figures_csv(report, period, by):
    # A BOM so that Excel reads the Vietnamese names as UTF-8.
    content = "\ufeff" + report_csv(report, lineterminator="\r\n")
    return attachment(content, f"coverage-{period.slug}-{by}.csv")


# The workbook's own dates, in docProps/core.xml.
_WORKBOOK_DATES = re.compile(rb"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*")


def dated_workbook(content, moment):
    """The workbook ``content`` dated ``moment`` (UTC) inside and in its zip entries.

    openpyxl stamps the time of writing; dated by the period's publication instead, every
    copy of one period's file is the same bytes, as its ETag promises.
    """
    if moment is None:
        return content
    moment = moment.astimezone(datetime.UTC).replace(microsecond=0)
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "docProps/core.xml":
                data = _WORKBOOK_DATES.sub(lambda match: match.group(1) + stamp, data)
            dated = zipfile.ZipInfo(entry.filename, date_time=moment.timetuple()[:6])
            dated.compress_type = entry.compress_type
            target.writestr(dated, data)
    return buffer.getvalue()


def _figures_xlsx(report, period, by):
    buffer = io.BytesIO()
    write_xlsx(report_rows(report), buffer, period.slug)
    content = dated_workbook(buffer.getvalue(), period.published_at or period.locked_at)
    return attachment(content, f"coverage-{period.slug}-{by}.xlsx")


FIGURE_FILES = {"json": _figures_json, "csv": _figures_csv, "xlsx": _figures_xlsx}


def figures_file(period, kind, by):
    """A published period's figures as ``kind`` (json, csv or xlsx): every address of the
    open data, old or versioned, answers with this, byte for byte."""
    report = coverage_report(period, by=by)
    return open_data(FIGURE_FILES[kind](report, period, by))


def period_links(request, period, route):
    """The absolute addresses of ``period``'s files, by kind, under the URL names ``route``
    gives for each kind."""
    return {
        kind: request.build_absolute_uri(reverse(route(kind), kwargs={"slug": period.slug}))
        for kind in FIGURE_FILES
    }


def period_entry(period):
    """What the list of published periods says of one period."""
    return {
        "slug": period.slug,
        "name": period.name,
        "name_en": figures.english_period_name(period),
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "min_members": period.min_members,
        "published_at": period.published_at.isoformat() if period.published_at else None,
    }


# --- /api/coverage/ -------------------------------------------------------------------------


@cache_public
@conditional_on_period_list("coverage-index")
def coverage_index(request):
    """Every published period with the addresses of its files."""
    periods = [
        {**period_entry(period), **period_links(request, period, "cms_api:coverage_{}".format)}
        for period in published_period_list(request)
    ]
    return open_data(json_response(periods))


def _coverage_file(kind):
    @cache_public
    @conditional_on_period(kind)
    def view(request, slug):
        by = _breakdown(request)
        return figures_file(_published_period(request, slug), kind, by)

    view.__name__ = view.__qualname__ = f"coverage_{kind}"
    return view


coverage_json = _coverage_file("json")
coverage_csv = _coverage_file("csv")
coverage_xlsx = _coverage_file("xlsx")


# --- the page for developers ----------------------------------------------------------------


def _absolute(request, name, **kwargs):
    return request.build_absolute_uri(reverse(name, kwargs=kwargs or None))


def _examples(request, period):
    """The addresses the page's examples use: those of the newest published period."""
    examples = {"periods": _absolute(request, "api_v1:periods")}
    if period is not None:
        figures_url = _absolute(request, "api_v1:figures", slug=period.slug)
        examples.update(
            figures=figures_url,
            by_sector=figures_url + "?by=sector",
            csv=_absolute(request, "api_v1:figures_csv", slug=period.slug),
            xlsx=_absolute(request, "api_v1:figures_xlsx", slug=period.slug),
        )
    return examples


@cache_public
def developers(request):
    """The open data explained: its addresses, its fields, its licence and examples."""
    period = figures.latest_published_period()
    return TemplateResponse(
        request,
        "cms/developers.html",
        {
            "heading": _("Open data for developers"),
            "period": period,
            "period_label": figures.period_label(period) if period else "",
            "examples": _examples(request, period),
            "docs_url": reverse("api_v1:openapi-view"),
            "openapi_url": reverse("api_v1:openapi-json"),
            "breakdowns": BREAKDOWNS,
            "worker_fields": field_guide.figure_fields(WORKER_TABLE),
            "public_sector_fields": field_guide.figure_fields(PUBLIC_SECTOR_TABLE),
            "methodology": figures.methodology(period) if period else [],
        },
    )


# The search backend turns each word into a nested condition: a few hundred words would
# exhaust Python's recursion. Nobody searches with more than a sentence.
MAX_SEARCH_WORDS = 12
MAX_SEARCH_CHARACTERS = 200


def bounded_query(text):
    """The words of ``text`` a search uses, and whether some were left out."""
    words = text[: MAX_SEARCH_CHARACTERS * 4].split()
    kept = " ".join(words[:MAX_SEARCH_WORDS])[:MAX_SEARCH_CHARACTERS].strip()
    return kept, kept != " ".join(words)


def search(request):
    """Search the live public pages in the reader's language, leaving out those whose period
    is not published."""
    query, shortened = bounded_query(request.GET.get("q", ""))
    page = None
    if query:
        # Specific pages straight from the search: one query per page type for the whole
        # page of results, rather than one per result for its title and URL.
        pages = (
            Page.objects.live()
            .public()
            .filter(locale=Locale.get_active())
            .exclude(pk__in=hidden_page_ids())
            .specific()
        )
        paginator = Paginator(pages.search(query), SEARCH_PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
    results = []
    for found in page or ():
        specific = found.specific
        results.append(
            {
                "title": specific.title,
                "url": specific.get_url(request),
            }
        )
    return TemplateResponse(
        request,
        "cms/search.html",
        {
            "heading": _("Search"),
            "query": query,
            "shortened": shortened,
            "max_words": MAX_SEARCH_WORDS,
            "page_obj": page,
            "results": results,
        },
    )

"""Open data of published periods, and the public site search.

Only published periods exist here: any other slug is a 404, whatever its status.
"""

import io

from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.models import Page

from workplace.compliance import BREAKDOWNS, coverage_report, report_csv
from workplace.downloads import CONTENT_TYPES, attachment
from workplace.indicators import file_keys, file_lines
from workplace.spreadsheets import write_xlsx

from . import figures
from .cache import cache_public
from .models import hidden_page_ids

SEARCH_PAGE_SIZE = 20


def _published_period(slug):
    period = figures.published_periods().filter(slug=slug).first()
    if period is None:
        raise Http404(_("No published reporting period “%(slug)s”.") % {"slug": slug})
    return period


def _report(request, slug):
    by = request.GET.get("by") or "area"
    if by not in BREAKDOWNS:
        raise Http404(
            _("Unknown breakdown; use one of: %(list)s.") % {"list": ", ".join(BREAKDOWNS)}
        )
    return coverage_report(_published_period(slug), by=by), by


def _open_data(response):
    # Open data may be read by any web page.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _json(data, **dumps_params):
    return JsonResponse(
        data,
        safe=False,
        content_type=CONTENT_TYPES["json"],
        json_dumps_params={"ensure_ascii": False, **dumps_params},
    )


@cache_public
def coverage_index(request):
    """Every published period with the addresses of its files."""
    periods = []
    for period in figures.published_periods().order_by("-end", "start"):
        links = {
            kind: request.build_absolute_uri(
                reverse(f"cms_api:coverage_{kind}", args=[period.slug])
            )
            for kind in ("json", "csv", "xlsx")
        }
        periods.append(
            {
                "slug": period.slug,
                "name": period.name,
                "name_en": figures.english_period_name(period),
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),
                "min_members": period.min_members,
                "published_at": period.published_at.isoformat() if period.published_at else None,
                **links,
            }
        )
    return _open_data(_json(periods))


@cache_public
def coverage_json(request, slug):
    report, _by = _report(request, slug)
    return _open_data(_json(report, indent=2))


@cache_public
def coverage_csv(request, slug):
    report, by = _report(request, slug)
    # A BOM so that Excel reads the Vietnamese names as UTF-8.
    content = "\ufeff" + report_csv(report, lineterminator="\r\n")
    return _open_data(attachment(content, f"coverage-{slug}-{by}.csv"))


def report_rows(report):
    """Header, one row per breakdown entry and a total row, with typed cells."""
    columns = ["code", "name", *file_keys()]
    return [columns, *file_lines(report["breakdown"], report["totals"])]


@cache_public
def coverage_xlsx(request, slug):
    report, by = _report(request, slug)
    buffer = io.BytesIO()
    write_xlsx(report_rows(report), buffer, slug)
    return _open_data(attachment(buffer.getvalue(), f"coverage-{slug}-{by}.xlsx"))


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
    """Search the live public pages, leaving out those whose period is not published."""
    query, shortened = bounded_query(request.GET.get("q", ""))
    page = None
    if query:
        # Specific pages straight from the search: one query per page type for the whole
        # page of results, rather than one per result for its title and URL.
        pages = Page.objects.live().public().exclude(pk__in=hidden_page_ids()).specific()
        paginator = Paginator(pages.search(query), SEARCH_PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
    results = []
    for found in page or ():
        specific = found.specific
        results.append(
            {
                "title": getattr(specific, "display_title", specific.title),
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

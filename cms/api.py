"""The open-data API, version 1, at ``/api/v1/``: published periods and their figures.

The same answers as ``/api/coverage/`` (``cms.views``), byte for byte for the figures, under
addresses that carry a version, with an OpenAPI schema (``/api/v1/openapi.json``) and its
documentation page (``/api/v1/docs``, served from the site's own static files). The figures
are written by ``cms.views.figures_file``; the schemas below only describe them, and their
fields are described from the indicator table (``cms.field_guide``).

Only published periods exist here: any other slug is a 404, whatever its status.
"""

from typing import Literal

from django.utils import translation
from django.utils.translation import gettext_lazy
from ninja import Field, NinjaAPI, Query, Schema
from ninja.decorators import decorate_view
from ninja.errors import HttpError
from ninja.openapi.docs import Swagger
from ninja.renderers import JSONRenderer
from pydantic import create_model

from workplace.compliance import BREAKDOWNS
from workplace.downloads import CONTENT_TYPES
from workplace.indicators import PUBLIC_SECTOR_TABLE, WORKER_TABLE

from . import field_guide, views
from .cache import cache_public


def bilingual(text):
    """``text`` in Vietnamese, then in English: the schema is the same in every language."""
    with translation.override("vi"):
        vietnamese = str(text)
    with translation.override("en"):
        english = str(text)
    return vietnamese if vietnamese == english else f"{vietnamese} / {english}"


class OpenDataJSON(JSONRenderer):
    # Vietnamese messages read as written, as in the figures themselves.
    json_dumps_params = {"ensure_ascii": False}


class SiteSwagger(Swagger):
    """Swagger UI from the site's static files, in a page that fits a phone."""

    template = "cms/api_docs.html"


api = NinjaAPI(
    title=bilingual(gettext_lazy("Open data API: workplace democracy")),
    version="1",
    description=bilingual(
        gettext_lazy(
            "The figures of every published reporting period, as JSON, CSV or XLSX. Open "
            "data: reuse them freely. Unpublished periods do not exist here."
        )
    ),
    urls_namespace="api_v1",
    renderer=OpenDataJSON(),
    docs=SiteSwagger(settings={"defaultModelsExpandDepth": 0}),
    docs_decorator=cache_public,
)

Breakdown = Literal[BREAKDOWNS]


# --- schemas: what the answers hold ---------------------------------------------------------


class Error(Schema):
    detail: str = Field(description=bilingual(gettext_lazy("What is wrong, in words.")))


class PeriodLinks(Schema):
    json_: str = Field(
        alias="json", description=bilingual(gettext_lazy("The figures as JSON (absolute URL)."))
    )
    csv: str = Field(description=bilingual(gettext_lazy("The figures as CSV (absolute URL).")))
    xlsx: str = Field(description=bilingual(gettext_lazy("The figures as XLSX (absolute URL).")))


class PeriodHeader(Schema):
    slug: str = Field(description=bilingual(gettext_lazy("The period's code in addresses.")))
    name: str = Field(description=bilingual(gettext_lazy("The period's name, in Vietnamese.")))
    start: str = Field(description=bilingual(gettext_lazy("First day (yyyy-mm-dd).")))
    end: str = Field(description=bilingual(gettext_lazy("Last day (yyyy-mm-dd).")))
    min_members: int = Field(
        description=bilingual(
            gettext_lazy("Union members a unit needs to be required to hold a conference.")
        )
    )
    status: str = Field(description=bilingual(gettext_lazy("Always “published” here.")))


class PublishedPeriod(PeriodHeader):
    name_en: str = Field(description=bilingual(gettext_lazy("The period's name, in English.")))
    published_at: str | None = Field(
        description=bilingual(gettext_lazy("When it was published (ISO 8601)."))
    )
    links: PeriodLinks


class PeriodList(Schema):
    count: int = Field(description=bilingual(gettext_lazy("How many periods are published.")))
    periods: list[PublishedPeriod] = Field(description=bilingual(gettext_lazy("Newest first.")))


def _figure_fields(table):
    """One optional field per figure of ``table``, described from its indicator. (None: the
    period was frozen before the figure was counted.)"""
    return {
        field.key: (field.python_type | None, Field(None, description=bilingual(field.meaning)))
        for field in field_guide.figure_fields(table)
    }


def _row_fields():
    return {
        "code": (str, Field(description=bilingual(gettext_lazy("The row's code.")))),
        "name": (str, Field(description=bilingual(gettext_lazy("The row's name.")))),
        "era": (
            str | None,
            Field(
                None,
                description=bilingual(
                    gettext_lazy(
                        "An area row's map: before_2025 or from_2025 (the reform of 1 July "
                        "2025), which tells apart a code both maps use; empty for other rows "
                        "and for periods frozen before areas had eras."
                    )
                ),
            ),
        ),
    }


WorkerFigures = create_model("WorkerFigures", __base__=Schema, **_figure_fields(WORKER_TABLE))
WorkerRow = create_model(
    "WorkerRow", __base__=Schema, **_row_fields(), **_figure_fields(WORKER_TABLE)
)
PublicSectorFigures = create_model(
    "PublicSectorFigures", __base__=Schema, **_figure_fields(PUBLIC_SECTOR_TABLE)
)
PublicSectorRow = create_model(
    "PublicSectorRow", __base__=Schema, **_row_fields(), **_figure_fields(PUBLIC_SECTOR_TABLE)
)


class PublicSectorReport(Schema):
    totals: PublicSectorFigures
    breakdown: list[PublicSectorRow]


class CoverageReport(Schema):
    period: PeriodHeader
    totals: WorkerFigures = Field(
        description=bilingual(gettext_lazy("Enterprises: the province's totals."))
    )
    breakdown: list[WorkerRow] = Field(
        description=bilingual(gettext_lazy("Enterprises: one row per area, union body or sector."))
    )
    public_sector: PublicSectorReport = Field(
        description=bilingual(gettext_lazy("State agencies and public service units."))
    )


# --- the operations -------------------------------------------------------------------------

BY = Query(
    views.DEFAULT_BREAKDOWN,
    description=bilingual(
        gettext_lazy("The rows of the breakdown: by area, union body or sector.")
    ),
)
NOT_PUBLISHED = {404: Error}
# The documentation page's one group of operations.
TAGS = [bilingual(gettext_lazy("Open data"))]


# The URL name of a period's figures by kind of file.
ROUTES = {"json": "api_v1:figures", "csv": "api_v1:figures_csv", "xlsx": "api_v1:figures_xlsx"}


def _published(request, slug):
    period = views.published_period_or_none(request, slug)
    if period is None:
        raise HttpError(404, views.not_published_message(slug))
    return period


def _file_description(kind):
    """The schema's word that a 200 is a file, not JSON."""
    content_type = CONTENT_TYPES[kind].partition(";")[0]
    return {"responses": {200: {"content": {content_type: {"schema": {"type": "string"}}}}}}


@api.get(
    "/periods",
    response=PeriodList,
    by_alias=True,
    tags=TAGS,
    url_name="periods",
    summary=bilingual(gettext_lazy("Published periods")),
    description=bilingual(
        gettext_lazy("Every published period, newest first, with the addresses of its figures.")
    ),
)
@decorate_view(views.conditional_on_period_list("v1-periods"), cache_public)
def periods(request):
    # Every operation answers with a response of its own, written as /api/coverage/ writes
    # its answers (Vietnamese unescaped, open to any origin); the schemas only describe it.
    listed = [
        {**views.period_entry(period), "status": period.status, "links": _links(request, period)}
        for period in views.published_period_list(request)
    ]
    return views.open_data(views.json_response({"count": len(listed), "periods": listed}))


def _links(request, period):
    return views.period_links(request, period, ROUTES.__getitem__)


@api.get(
    "/periods/{slug:slug}/figures",
    response={200: CoverageReport, **NOT_PUBLISHED},
    tags=TAGS,
    url_name="figures",
    summary=bilingual(gettext_lazy("A period's figures (JSON)")),
    description=bilingual(
        gettext_lazy(
            "The period, the enterprises' totals and one breakdown, and the same for state "
            "agencies and public service units (the shape of `manage.py coverage --format json`)."
        )
    ),
)
@decorate_view(views.conditional_on_period("json"), cache_public)
def figures(request, slug: str, by: Breakdown = BY):
    return views.figures_file(_published(request, slug), "json", by)


@api.get(
    "/periods/{slug:slug}/figures.csv",
    response=NOT_PUBLISHED,
    tags=TAGS,
    url_name="figures_csv",
    summary=bilingual(gettext_lazy("A period's figures (CSV)")),
    description=bilingual(
        gettext_lazy(
            "One row per breakdown entry and a total row (its code is empty), in UTF-8 with a "
            "BOM; the agreements by grade take one column per grade."
        )
    ),
    openapi_extra=_file_description("csv"),
)
@decorate_view(views.conditional_on_period("csv"), cache_public)
def figures_csv(request, slug: str, by: Breakdown = BY):
    return views.figures_file(_published(request, slug), "csv", by)


@api.get(
    "/periods/{slug:slug}/figures.xlsx",
    response=NOT_PUBLISHED,
    tags=TAGS,
    url_name="figures_xlsx",
    summary=bilingual(gettext_lazy("A period's figures (XLSX)")),
    description=bilingual(
        gettext_lazy("The rows of the CSV file in a workbook, with typed cells.")
    ),
    openapi_extra=_file_description("xlsx"),
)
@decorate_view(views.conditional_on_period("xlsx"), cache_public)
def figures_xlsx(request, slug: str, by: Breakdown = BY):
    return views.figures_file(_published(request, slug), "xlsx", by)


# Mounted with ``include("cms.api")`` at /api/v1/; URL names in the ``api_v1`` namespace.
urlpatterns = api.urls[0]
app_name = api.urls_namespace

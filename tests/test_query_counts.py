"""Every listing, dashboard and results page makes as many queries for many rows as for few.

Each test builds a province of a few units, counts the queries of one page, then grows the
province and checks that the page needs no more queries than before: at a size that still fits
one page of the portal's lists (and spans two of the admin's), and, for the portal's lists, at
one that spans two pages, each page checked. Every unit is in a district and a union body of its
own (so the breakdowns grow too), falls short in one of four ways, and has a headcount,
conferences, agreements (one about to expire and never submitted) and dialogues, an officer
and a reviewer of its own, a pending registration beside it and an import in the log. One unit,
the focus, also gains records and edits as the province grows, for the pages that list one
unit's records and their history.

The reviewer's pages are already counted for a reviewer's scope at 3 and 30 units in
``tests/workplace/portal/test_review.py``; here they are counted for federation staff, with
every kind of record and across pages.
"""

import dataclasses
import datetime
import itertools
from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from cms.models import ArticlePage, ResultsPage, ensure_home_page
from cms.translations import translate
from workplace import audit, periods
from workplace.models import Area, ImportLog, ReportingPeriod, UnionBody, WorkerConference

from .conftest import (
    declare,
    elect_board,
    hold_conference,
    hold_dialogue,
    hold_officials_conference,
    issue_regulation,
    sign_agreement,
)

SMALL = 3
LARGE = 25  # one page of the portal's lists (50 rows), two of the admin's (20 rows)
SPANNING = 55  # two pages of the portal's lists
SEARCH_TERM = "Bản tin"

_codes = itertools.count(1)


def _iso(value):
    return value.isoformat()


class Province:
    """A province that grows to ``n`` units with their records, accounts and log entries.

    ``grows`` says what else grows with ``n``, for the pages that list it: the focus unit's
    records and edits (``"focus"``), published periods (``"periods"``) and articles
    (``"articles"``). ``public`` gives the site a home page and the period a results page.
    """

    def __init__(self, base, period, make_unit, make_user, grows=(), public=False):
        self.base = base
        self.period = period
        self.make_unit = make_unit
        self.make_user = make_user
        self.grows = set(grows)
        self.public = public
        self.units = []
        self.focus_records = 0
        self.extra_periods = []
        self.articles = 0
        self.today = timezone.localdate()
        self.staff = make_user("staff", role="federation")
        self.officer = make_user("officer")
        self.reviewer = make_user("reviewer", role="reviewer", union_body=base["body"])
        self.home = ensure_home_page("Dân chủ ở cơ sở tại nơi làm việc") if public else None

    def grow(self, n):
        # Records dated inside a published period cannot be added: reopen it meanwhile.
        self.period.refresh_from_db()
        if self.period.is_frozen:
            periods.unlock(self.period, "Thêm số liệu thử nghiệm")
        with audit.acting_as(self.staff, "admin"):
            while len(self.units) < n:
                self.add_unit()
            while "focus" in self.grows and self.focus_records < n:
                self.add_focus_records()
            while "periods" in self.grows and len(self.extra_periods) < n:
                self.add_extra_period()
            while "articles" in self.grows and self.articles < n:
                self.add_article()
            if self.public:
                # Publishing gives the period its results page under the home page.
                periods.publish(self.period)

    def add_unit(self):
        number = next(_codes)
        district = Area.objects.create(
            code=f"9{number:04d}",
            name=f"Huyện thử {number}",
            kind="district",
            parent=self.base["root"],
        )
        body = UnionBody.objects.create(
            code=f"CD-{number}", name=f"Công đoàn thử {number}", parent=self.base["body"]
        )
        # Each unit falls short in 2023-h1 for one of four reasons, so every list has rows; the
        # first three units already show three of them. Too few members make a unit not
        # required to hold a conference, so that one falls short of a recent declaration.
        reason = len(self.units) % 4
        unit = self.make_unit(
            members=8 if reason == 1 else 20 + number % 30,
            as_of="2022-12-31" if reason == 1 else "2023-06-30",
            area=district,
            body=body,
        )
        # The conference of a unit short of one was held the year before.
        hold_conference(unit, "2022-03-01" if reason == 0 else "2023-03-01")
        expires = "2023-05-31" if reason == 3 else "2024-06-30"
        sign_agreement(unit, "2022-07-01", expires, submitted_on="2022-07-05")
        # About to expire, and never submitted to the labour authority.
        signed = self.today - datetime.timedelta(days=400)
        sign_agreement(unit, _iso(signed), _iso(self.today + datetime.timedelta(days=30)))
        hold_dialogue(unit, "2023-04-10", kind="event" if reason == 2 else "periodic")
        hold_dialogue(unit, "2023-05-10", kind="on_request")
        # Every other unit has its workplace democracy regulation; each fourth is state-owned,
        # with an inspection board to elect; and each district has an agency of the
        # public-sector regime with its officials' conference and board.
        if number % 2:
            issue_regulation(unit, "2021-07-01")
        if reason == 3:
            unit.sector = "state"
            unit.save(update_fields=["sector"])
            elect_board(unit, "2021-05-01", "2023-12-31")
        agency = self.make_unit(area=district, body=body, sector="state_agency")
        hold_officials_conference(agency, "2023-03-15")
        elect_board(agency, "2022-03-15", "2024-09-14")
        self.officer.units.add(unit)
        self.make_user(f"officer{number}", units=[unit], full_name=f"Cán bộ {number}")
        self.make_user(f"reviewer{number}", role="reviewer", union_body=body)
        self.make_unit(area=district, body=body, registration="pending", as_of=None)
        ImportLog.objects.create(
            actor=self.staff,
            kind="headcounts",
            file_name=f"ke-khai-{number}.xlsx",
            checksum=f"{number:064d}",
            file=f"imports/ke-khai-{number}.xlsx",
            status=ImportLog.Status.IMPORTED,
            rows=1,
            new=1,
        )
        self.units.append(unit)

    @property
    def focus(self):
        return self.units[0]

    @property
    def focus_conference(self):
        return WorkerConference.objects.filter(enterprise=self.focus).order_by("pk").first()

    def add_focus_records(self):
        """One more record of each kind for the focus unit, and one more edit of its conference."""
        step = self.focus_records
        self.focus_records += 1
        on = datetime.date(2016, 1, 4) + datetime.timedelta(days=7 * step)
        declare(self.focus, _iso(on), members=15 + step)
        hold_conference(self.focus, _iso(on))
        sign_agreement(self.focus, _iso(on), _iso(on + datetime.timedelta(days=3)))
        hold_dialogue(self.focus, _iso(on))
        conference = self.focus_conference
        conference.attendees = 10 + step
        conference.save()

    def add_extra_period(self):
        """A published period before any union existed, so it holds no records."""
        year = 2014 - len(self.extra_periods)
        period = ReportingPeriod.objects.create(
            slug=f"{year}-h2",
            name=f"6 tháng cuối năm {year}",
            start=datetime.date(year, 7, 1),
            end=datetime.date(year, 12, 31),
        )
        # With a home page, publishing gives the period its results page.
        periods.publish(period)
        self.extra_periods.append(period)

    def add_article(self):
        self.articles += 1
        page = ArticlePage(
            title=f"{SEARCH_TERM} số {self.articles}",
            slug=f"ban-tin-{self.articles}",
            summary="Tin hoạt động công đoàn cơ sở.",
            # Half of them quote the period's figures, and show only while it is published.
            source_period=self.period if self.articles % 2 else None,
        )
        self.home.add_child(instance=page)
        page.save_revision().publish()
        # The English home page lists the English translations.
        translate(page, f"news-{self.articles}", title=f"News {self.articles}")

    def results_url(self):
        return ResultsPage.objects.get(locale__language_code="vi", period=self.period).url


# --- the pages --------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Page:
    """A page to count: who asks (None: a visitor), its address given the province, its query
    string, its paging (query parameter and rows a page), and what grows besides the units."""

    who: str | None
    url: Callable[[Province], str]
    params: dict = dataclasses.field(default_factory=dict)
    page_param: str | None = None
    per_page: int | None = None
    grows: tuple = ()


def named(name, *args):
    return lambda province: reverse(name, args=[arg(province) for arg in args])


def focus_pk(province):
    return province.focus.pk


def focus_conference_pk(province):
    return province.focus_conference.pk


def period_slug(province):
    return province.period.slug


def period_pk(province):
    return province.period.pk


def review(name, **params):
    return Page("staff", named(name), params, "page", 50)


def admin_list(name, **params):
    return Page("staff", named(name), params, "p", 20)


def admin_export(name, fmt):
    return Page("staff", named(name), {"export": fmt})


def api(name, **params):
    return Page(None, named(name, period_slug), params)


PERIOD = {"period": "2023-h1"}

PORTAL_PAGES = {
    "officer-home": Page("officer", named("portal:home"), {}, "page", 50),
    "reviewer-home": Page("reviewer", named("portal:home"), {}, "page", 50),
    "staff-home": Page("staff", named("portal:home"), {}, "page", 50),
    "unit-page": Page("officer", named("portal:unit", focus_pk), grows=("focus", "periods")),
    "unit-page-of-a-period": Page(
        "officer", named("portal:unit", focus_pk), PERIOD, grows=("focus",)
    ),
    "unit-history": Page(
        "officer", named("portal:unit_history", focus_pk), {}, "page", 50, grows=("focus",)
    ),
    "record-history": Page(
        "officer",
        named("portal:record_history", lambda province: "conferences", focus_conference_pk),
        grows=("focus",),
    ),
    "review-dashboard": Page("staff", named("portal:review"), grows=("periods",)),
    "review-dashboard-csv": Page(
        "staff", named("portal:review"), {"format": "csv", "by": "union_body"}
    ),
    "review-units": Page("staff", named("portal:review_units"), {}, "page", 50, ("periods",)),
    "review-shortfalls": review("portal:review_units", shortfall="1"),
    # A quarter of the units, so not every page of rows is full: counted without paging.
    "review-not-required": Page("staff", named("portal:review_units"), {"not_required": "1"}),
    "review-units-csv": Page("staff", named("portal:review_units"), {"format": "csv"}),
    "review-units-xlsx": Page("staff", named("portal:review_units"), {"format": "xlsx"}),
    "review-pending": review("portal:review_pending"),
    "review-expiring": review("portal:review_expiring"),
    "review-late": review("portal:review_late"),
}

DATA_SCREENS = (
    "areas",
    "union_bodies",
    "enterprises",
    "headcounts",
    "conferences",
    "agreements",
    "dialogues",
    "audit",
    "import_log",
)

ADMIN_PAGES = {
    "admin-home": Page("staff", named("wagtailadmin_home")),
    **{f"admin-{screen}": admin_list(f"{screen}:index") for screen in DATA_SCREENS},
    "admin-headcounts-searched": admin_list("headcounts:index", q="cong ty thu"),
    "admin-periods": Page("staff", named("periods:index"), {}, "p", 20, ("periods",)),
    "admin-accounts": admin_list("wagtailusers_users:index"),
    **{
        f"admin-{screen}-{fmt}": admin_export(f"{screen}:index", fmt)
        for screen in ("enterprises", "headcounts", "agreements", "import_log")
        for fmt in ("csv", "xlsx")
    },
    "admin-coverage-by-area": Page(
        "staff", named("coverage_report"), {"by": "area"}, grows=("periods",)
    ),
    "admin-coverage-by-union-body": Page("staff", named("coverage_report"), {"by": "union_body"}),
    "admin-coverage-by-sector": Page("staff", named("coverage_report"), {"by": "sector"}),
    "admin-coverage-units": Page("staff", named("coverage_units"), PERIOD, "p", 50),
    "admin-coverage-units-of-a-body": Page(
        "staff", named("coverage_units"), {**PERIOD, "union_body": "LDLD-186"}, "p", 50
    ),
    "admin-coverage-units-falling-short": Page(
        "staff", named("coverage_units"), {**PERIOD, "standing": "shortfall"}, "p", 50
    ),
    "admin-coverage-units-results": Page(
        "staff", named("coverage_units_results"), {**PERIOD, "union_body": "LDLD-186"}, "p", 50
    ),
    "admin-coverage-units-csv": Page("staff", named("coverage_units"), {**PERIOD, "export": "csv"}),
    "admin-coverage-units-xlsx": Page(
        "staff", named("coverage_units"), {**PERIOD, "export": "xlsx"}
    ),
    "admin-record-history": Page(
        "staff", named("conferences:history", focus_conference_pk), {}, "p", 20, ("focus",)
    ),
    "admin-coverage-xlsx": Page("staff", named("coverage_report_xlsx", period_slug)),
    "admin-period-status": Page("staff", named("periods:status", period_pk)),
    "admin-imports": admin_list("imports"),
    "admin-report-writer": Page("staff", named("report_writer"), grows=("periods",)),
}

PUBLIC_PAGES = {
    "public-home": Page(None, lambda province: "/", grows=("periods", "articles")),
    "public-home-in-english": Page(None, lambda province: "/en/", grows=("periods", "articles")),
    "public-results": Page(None, lambda province: province.results_url()),
    "public-search": Page(None, named("search"), {"q": SEARCH_TERM}, "page", 20, ("articles",)),
    "api-index": Page(None, named("cms_api:coverage_index"), grows=("periods",)),
    "api-json": api("cms_api:coverage_json"),
    "api-json-by-union-body": api("cms_api:coverage_json", by="union_body"),
    "api-csv": api("cms_api:coverage_csv"),
    "api-xlsx": api("cms_api:coverage_xlsx"),
}


# --- counting -------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def default_language():
    # A request leaves its language active in the thread: start and end in the default one.
    translation.deactivate()
    yield
    translation.deactivate()
    cache.clear()


def listed(response):
    """The page of rows a listing shows."""
    for name in ("page", "page_obj", "logs"):
        if name in response.context:
            return response.context[name]
    raise AssertionError("no page of rows in the context")


@pytest.fixture
def counted(province, period, make_unit, make_user, client, django_assert_max_num_queries):
    """Count a page's queries at the small size, then check it needs no more at the larger
    ones: every page of it at each size (a second one once the rows fill more than one)."""

    def fetch(grown, target, **extra):
        # The public cache is emptied, so that a public page is computed, not served stored.
        cache.clear()
        response = client.get(target.url(grown), {**target.params, **extra})
        assert response.status_code == 200, (target, extra)
        if response.streaming:
            b"".join(response.streaming_content)
        return response

    def check(target):
        grown = Province(
            province, period, make_unit, make_user, target.grows, public=target.who is None
        )
        if target.who:
            client.force_login(getattr(grown, target.who))
        grown.grow(SMALL)
        fetch(grown, target)  # fills the per-process caches (content types, sites, …)
        with CaptureQueriesContext(connection) as captured:
            fetch(grown, target)
        few = len(captured)
        sizes = [LARGE]
        if target.per_page and target.per_page >= LARGE:
            sizes.append(SPANNING)
        for size in sizes:
            grown.grow(size)
            pages = [{}]
            if target.page_param and size > target.per_page:
                pages.append({target.page_param: 2})
            for extra in pages:
                with django_assert_max_num_queries(few, info=f"{size} units, {extra or 'page 1'}"):
                    response = fetch(grown, target, **extra)
                if target.per_page:
                    shown = listed(response)
                    assert shown.number == (2 if extra else 1)
                    assert len(shown) >= min(size, target.per_page) or extra
        return few

    return check


@pytest.mark.parametrize("page", PORTAL_PAGES.values(), ids=PORTAL_PAGES.keys())
def test_portal_pages_make_no_more_queries_for_more_rows(counted, page):
    counted(page)


@pytest.mark.parametrize("page", ADMIN_PAGES.values(), ids=ADMIN_PAGES.keys())
def test_admin_pages_make_no_more_queries_for_more_rows(counted, page):
    counted(page)


@pytest.mark.parametrize("page", PUBLIC_PAGES.values(), ids=PUBLIC_PAGES.keys())
def test_public_pages_make_no_more_queries_for_more_rows(counted, page):
    counted(page)

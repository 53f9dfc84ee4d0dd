"""Public-site builders: periods with frozen snapshots, the home page, results and articles."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from cms.models import ArticlePage, HomePage, ResultsPage, ensure_home_page
from cms.translations import english_home, translate
from workplace.indicators import Figures
from workplace.models import ReportingPeriod

day = datetime.date.fromisoformat

# The seed's first half of 2023, split over two districts: 141 units, 104 eligible,
# 95 conferences (91.3%), 97 agreements (93.3%), 132 dialogues.
AREAS_2023_H1 = [
    (
        "178",
        "Thành phố Lạng Sơn",
        Figures(
            units=45,
            eligible=28,
            declared=43,
            conference_held=25,
            agreement_in_force=24,
            periodic_dialogue_held=25,
            dialogues_periodic=28,
            dialogues_ad_hoc=10,
            agreements_signed=8,
        ),
    ),
    (
        "186",
        "Huyện Hữu Lũng",
        Figures(
            units=96,
            eligible=76,
            declared=90,
            conference_held=70,
            agreement_in_force=73,
            periodic_dialogue_held=60,
            dialogues_periodic=72,
            dialogues_ad_hoc=22,
            agreements_signed=20,
        ),
    ),
]
# A year earlier: 130 units, 98 eligible, 86 conferences (87.8%), 90 agreements (91.8%).
AREAS_2022_H1 = [
    (
        "178",
        "Thành phố Lạng Sơn",
        Figures(
            units=42,
            eligible=26,
            declared=40,
            conference_held=22,
            agreement_in_force=23,
            periodic_dialogue_held=20,
            dialogues_periodic=25,
            dialogues_ad_hoc=8,
            agreements_signed=6,
        ),
    ),
    (
        "186",
        "Huyện Hữu Lũng",
        Figures(
            units=88,
            eligible=72,
            declared=80,
            conference_held=64,
            agreement_in_force=67,
            periodic_dialogue_held=50,
            dialogues_periodic=60,
            dialogues_ad_hoc=17,
            agreements_signed=15,
        ),
    ),
]
# Figures no public page may ever show: 77 units, 61 eligible, 37/61 (60.7%) conferences,
# 43/61 (70.5%) agreements, 59 dialogues.
AREAS_SECRET = [
    (
        "183",
        "Huyện Cao Lộc",
        Figures(
            units=77,
            eligible=61,
            declared=70,
            conference_held=37,
            agreement_in_force=43,
            periodic_dialogue_held=30,
            dialogues_periodic=40,
            dialogues_ad_hoc=19,
            agreements_signed=11,
        ),
    )
]
SECRET_STRINGS = ("37/61", "60,7", "60.7", "43/61", "70,5", "70.5", "Huyện Cao Lộc")


def make_snapshot(areas, status="published"):
    totals = Figures()
    rows = []
    for code, name, figures in areas:
        totals.add(Figures(**vars(figures)))
        rows.append({"code": code, "name": name, **figures.as_dict()})
    sector = [{"code": "non_state", "name": "Doanh nghiệp ngoài nhà nước", **totals.as_dict()}]
    body = [{"code": "LDLD-LS", "name": "LĐLĐ tỉnh Lạng Sơn", **totals.as_dict()}]
    return {
        "period": {},
        "totals": totals.as_dict(),
        "breakdowns": {"area": rows, "union_body": body, "sector": sector},
    }


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def default_language():
    # A request leaves its language active in the thread; page URLs built outside a request
    # follow it, so every test starts and ends in the default language.
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def make_period(db):
    """A period with a frozen snapshot of ``areas`` (status open means no snapshot)."""

    def make(slug, name, start, end, areas=AREAS_2023_H1, status="published", min_members=10):
        frozen = status != "open"
        return ReportingPeriod.objects.create(
            slug=slug,
            name=name,
            start=day(start),
            end=day(end),
            min_members=min_members,
            status=status,
            snapshot=make_snapshot(areas) if frozen else None,
            locked_at=timezone.now() if frozen else None,
            published_at=timezone.now() if status == "published" else None,
        )

    return make


@pytest.fixture
def home(db):
    home = ensure_home_page("Dân chủ ở cơ sở tại nơi làm việc")
    home.intro = "<p>Lời giới thiệu bằng tiếng Việt.</p>"
    home.save_revision().publish()
    english = english_home(home)
    english.intro = "<p>An introduction in English.</p>"
    english.save_revision().publish()
    return HomePage.objects.get(pk=home.pk)


@pytest.fixture
def h1_2023(make_period):
    return make_period("2023-h1", "6 tháng đầu năm 2023", "2023-01-01", "2023-06-30")


@pytest.fixture
def h1_2022(make_period):
    return make_period(
        "2022-h1", "6 tháng đầu năm 2022", "2022-01-01", "2022-06-30", areas=AREAS_2022_H1
    )


def add_page(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return type(page).objects.get(pk=page.pk)


@pytest.fixture
def make_results_page(home):
    def make(period, slug=None, english=True, title_en=None, **fields):
        """A results page, with its English translation at /en/results-<period>/ unless
        ``english`` is false."""
        fields.setdefault("title", f"Kết quả {period.name}")
        page = ResultsPage(slug=slug or f"ket-qua-{period.slug}", period=period, **fields)
        page = add_page(home, page)
        if english:
            title_en = title_en or f"Results for {period.slug}"
            translate(page, f"results-{period.slug}", title=title_en)
        return page

    return make


@pytest.fixture
def make_article(home):
    def make(slug, body=(), body_en=None, title_en=None, english=True, **fields):
        """An article and, unless ``english`` is false, its English translation at
        /en/<slug>-en/: a copy of it, with ``title_en`` and ``body_en`` when given."""
        page = ArticlePage(
            title=fields.pop("title", f"Bài viết {slug}"), slug=slug, body=list(body), **fields
        )
        page = add_page(home, page)
        if english:
            text = {"title": title_en} if title_en else {}
            if body_en is not None:
                text["body"] = list(body_en)
            translate(page, f"{slug}-en", **text)
        return page

    return make


def figure_block(period, indicator):
    return {"type": "figure", "value": {"period": period.pk, "indicator": indicator}}


def chart_block(period, indicator="conference"):
    return {"type": "chart", "value": {"period": period.pk, "indicator": indicator}}


def table_block(period, breakdown="area"):
    return {"type": "coverage_table", "value": {"period": period.pk, "breakdown": breakdown}}


def paragraph(text):
    return {"type": "paragraph", "value": f"<p>{text}</p>"}

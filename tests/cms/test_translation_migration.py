"""A site made before the English pages were translations keeps its English text.

Runs the migrations on a database of its own (a separate process, from the state just before
the change), with pages written the old way: English twin fields on the Vietnamese pages.
"""

import json
import os
import subprocess
import sys

from django.conf import settings

BEFORE = ("cms", "0004_chart_rates_from_the_indicator_table")

SCRIPT = """
import json, django
django.setup()
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = %(before)r
executor = MigrationExecutor(connection)
executor.migrate([BEFORE])
old = executor.loader.project_state(BEFORE).apps
Page = old.get_model("wagtailcore", "Page")
Locale = old.get_model("wagtailcore", "Locale")
ContentType = old.get_model("contenttypes", "ContentType")
Period = old.get_model("workplace", "ReportingPeriod")
vi = Locale.objects.get(language_code="vi")
root = Page.objects.get(depth=1)


def add(model_name, parent, number, **fields):
    model = old.get_model("cms", model_name)
    content_type, _ = ContentType.objects.get_or_create(app_label="cms", model=model_name.lower())
    page = model.objects.create(
        path=parent.path + number, depth=parent.depth + 1, numchild=0,
        url_path=parent.url_path + fields["slug"] + "/", locale=vi, content_type=content_type,
        live=True, draft_title=fields["title"], **fields,
    )
    Page.objects.filter(pk=parent.pk).update(numchild=parent.numchild + 1)
    parent.numchild += 1
    return page


root.numchild = Page.objects.filter(depth=2).count()
home = add("HomePage", root, "0009", slug="home-udt", title="Trang chủ", title_en="Home",
           intro="<p>Giới thiệu.</p>", intro_en="<p>Introduction.</p>")
period = Period.objects.create(slug="2023-h1", name="6 tháng đầu năm 2023",
                               start="2023-01-01", end="2023-06-30", status="published")
add("ResultsPage", home, "0001", slug="ket-qua-2023-h1", title="Kết quả 2023",
    title_en="Results for 2023", intro="<p>Kết quả.</p>", period=period)
add("ArticlePage", home, "0002", slug="bai-viet", title="Bài viết", title_en="An article",
    summary="Tóm tắt.", summary_en="", body="[]",
    body_en='[{"type": "paragraph", "value": "<p>English body.</p>", "id": "a"}]')
add("ArticlePage", home, "0003", slug="chi-tieng-viet", title="Chỉ tiếng Việt",
    summary="", summary_en="", body="[]", body_en="[]")

pages_before = Page.objects.count()
executor = MigrationExecutor(connection)
executor.migrate(executor.loader.graph.leaf_nodes())

from django.utils import translation
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page as LivePage
translation.activate("en")
english = {}
for page in LivePage.objects.filter(locale__language_code="en").specific().order_by("path"):
    english[page.slug] = {
        "url_path": page.url_path, "title": page.title, "live": page.live,
        "text": str(getattr(page, "intro", "")) + str(getattr(page, "body", "")),
        "summary": getattr(page, "summary", None),
        "source": LivePage.objects.get(
            translation_key=page.translation_key, locale__language_code="vi").slug,
    }
redirects = {r.old_path: r.redirect_page.slug for r in Redirect.objects.all()}

# And back: the English text returns to the twin fields.
executor = MigrationExecutor(connection)
executor.migrate([BEFORE])
old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
Article = old.get_model("cms", "ArticlePage")
back = {
    "pages": old.get_model("wagtailcore", "Page").objects.count(),
    "article": Article.objects.filter(slug="bai-viet").values_list("title_en", flat=True).get(),
}
print(json.dumps(
    {"english": english, "redirects": redirects, "back": back, "pages_before": pages_before}
))
"""


def run_migrations(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'before.sqlite3'}",
        "CACHE_DIR": str(tmp_path / "cache"),
        "DJANGO_SETTINGS_MODULE": "tests.settings",
    }
    env.pop("REDIS_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT % {"before": BEFORE}],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_english_twin_fields_become_translations_with_english_slugs(tmp_path):
    found = run_migrations(tmp_path)
    english = found["english"]

    assert set(english) == {"home-udt-en", "results-2023-h1", "an-article"}
    assert english["home-udt-en"]["title"] == "Home"
    assert english["home-udt-en"]["text"] == "<p>Introduction.</p>"
    results = english["results-2023-h1"]
    assert (results["title"], results["source"], results["live"]) == (
        "Results for 2023",
        "ket-qua-2023-h1",
        True,
    )
    assert results["url_path"] == "/home-udt-en/results-2023-h1/"
    # An empty English field shows the Vietnamese text, as the page did before.
    assert results["text"] == "<p>Kết quả.</p>"
    article = english["an-article"]
    assert "English body." in article["text"] and article["summary"] == "Tóm tắt."
    # A page without English text was not translated; links to the old English addresses
    # lead to the translations.
    assert "chi-tieng-viet" not in {page["source"] for page in english.values()}
    assert found["redirects"] == {
        "/en/ket-qua-2023-h1": "results-2023-h1",
        "/en/bai-viet": "an-article",
    }
    # Migrating back keeps the English text and removes the English pages.
    assert found["back"]["article"] == "An article"
    assert found["back"]["pages"] == found["pages_before"]

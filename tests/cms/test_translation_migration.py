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
Site = old.get_model("wagtailcore", "Site")
home = add("HomePage", root, "0009", slug="home-udt", title="Trang chủ", title_en="Home",
           intro="<p>Giới thiệu.</p>", intro_en="<p>Introduction.</p>")
site_name = "udt.example.org"
Site.objects.create(hostname=site_name, port=80, root_page=home, is_default_site=False)
period = Period.objects.create(slug="2023-h1", name="6 tháng đầu năm 2023",
                               start="2023-01-01", end="2023-06-30", status="published")
add("ResultsPage", home, "0001", slug="ket-qua-2023-h1", title="Kết quả 2023",
    title_en="Results for 2023", intro="<p>Kết quả.</p>", period=period)
add("ArticlePage", home, "0002", slug="bai-viet", title="Bài viết", title_en="An article",
    summary="Tóm tắt.", summary_en="", body="[]",
    body_en='[{"type": "paragraph", "value": "<p>English body.</p>", "id": "a"}]')
add("ArticlePage", home, "0003", slug="chi-tieng-viet", title="Chỉ tiếng Việt",
    summary="", summary_en="", body="[]", body_en="[]")
# A private article: it must stay private in English.
private = add("ArticlePage", home, "0004", slug="noi-bo", title="Nội bộ", title_en="Internal",
              summary="", summary_en="", body="[]", body_en="[]")
Restriction = old.get_model("wagtailcore", "PageViewRestriction")
Restriction.objects.create(page=private, restriction_type="password", password="secret")
Revision = old.get_model("wagtailcore", "Revision")
page_type = ContentType.objects.get(app_label="wagtailcore", model="page")


def with_draft(page, **changes):
    content = {"pk": page.pk, "title": page.title, "title_en": page.title_en,
               "summary": page.summary, "summary_en": page.summary_en, "body": "[]",
               "body_en": "[]", **changes}
    revision = Revision.objects.create(
        content_type=page.content_type, base_content_type=page_type, object_id=str(page.pk),
        created_at="2023-07-01T00:00:00Z", object_str=page.title, content=content)
    page.latest_revision = revision
    page.has_unpublished_changes = True
    page.save()


# A draft never published whose English text was typed after its first save.
draft = add("ArticlePage", home, "0005", slug="ban-nhap", title="Bản nháp", title_en="",
            summary="", summary_en="", body="[]", body_en="[]")
draft.live = False
with_draft(draft, title_en="A draft", summary_en="Typed later.")
# A live article with English changes not published yet.
edited = add("ArticlePage", home, "0006", slug="da-sua", title="Đã sửa", title_en="Edited",
             summary="", summary_en="Published summary.", body="[]", body_en="[]")
with_draft(edited, title_en="Edited again", summary_en="Newer summary.")
# A live article whose draft empties its English text: the published English is kept.
emptied = add("ArticlePage", home, "0007", slug="da-xoa", title="Đã xoá", title_en="Kept",
              summary="", summary_en="Kept summary.", body="[]", body_en="[]")
with_draft(emptied, title_en="", summary_en="")

pages_before = Page.objects.count()
executor = MigrationExecutor(connection)
executor.migrate(executor.loader.graph.leaf_nodes())

from django.utils import translation
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page as LivePage
translation.activate("en")
english = {}
for page in LivePage.objects.filter(locale__language_code="en").specific().order_by("path"):
    draft_summary = None
    if page.has_unpublished_changes and page.latest_revision_id:
        draft_summary = page.get_latest_revision_as_object().summary
    english[page.slug] = {
        "url_path": page.url_path, "title": page.title, "live": page.live,
        "private": page.get_view_restrictions().exists(), "draft_summary": draft_summary,
        "text": str(getattr(page, "intro", "")) + str(getattr(page, "body", "")),
        "summary": getattr(page, "summary", None),
        "source": LivePage.objects.get(
            translation_key=page.translation_key, locale__language_code="vi").slug,
    }
redirects = {
    r.old_path: [r.redirect_page.slug, r.site.hostname if r.site else None]
    for r in Redirect.objects.all()
}

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
    {"english": english, "redirects": redirects, "back": back, "pages_before": pages_before,
     "site": site_name}
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

    assert set(english) == {
        "home-udt-en",
        "results-2023-h1",
        "an-article",
        "internal",
        "a-draft",
        "edited",
        "kept",
    }
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
    # A private page stays private; drafts keep their English text.
    assert english["internal"]["private"] and not english["an-article"]["private"]
    assert english["a-draft"]["live"] is False
    assert english["a-draft"]["summary"] == "Typed later."
    assert english["edited"]["summary"] == "Published summary."
    assert english["edited"]["draft_summary"] == "Newer summary."
    # The address and the decision to translate come from what is published, not a draft.
    assert english["edited"]["title"] == "Edited"
    assert english["kept"]["live"] and english["kept"]["summary"] == "Kept summary."
    # A page without English text was not translated; links to the old English addresses
    # lead to the translations, or to the Vietnamese page, for the site of that home.
    assert "chi-tieng-viet" not in {page["source"] for page in english.values()}
    site = found["site"]
    assert found["redirects"] == {
        "/en/ket-qua-2023-h1": ["results-2023-h1", site],
        "/en/bai-viet": ["an-article", site],
        "/en/chi-tieng-viet": ["chi-tieng-viet", site],
        "/en/noi-bo": ["internal", site],
        "/en/ban-nhap": ["a-draft", site],
        "/en/da-sua": ["edited", site],
        "/en/da-xoa": ["kept", site],
    }
    # Migrating back keeps the English text and removes the English pages.
    assert found["back"]["article"] == "An article"
    assert found["back"]["pages"] == found["pages_before"]

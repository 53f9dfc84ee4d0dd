"""English twin fields become English pages: translations in Wagtail's ``en`` locale.

Each Vietnamese home page gets an English translation beside it under the tree's root, and
under it a translation of every results page and of every article that had English text, with
an English slug (``ket-qua-2023-h1`` → ``results-2023-h1``; an article's from its English
title). An empty English field takes the Vietnamese text, as the page showed it before. The
English address a page had (``/en/`` and its Vietnamese slug) redirects to its translation,
so links people shared keep working. The next migration drops the twin fields. Going back
copies the English pages' text into the twin fields and deletes the English pages.

Written with the migration's own models: Wagtail's tree methods are not on them, so a page's
place in the tree (``path``, ``depth``, ``numchild``, ``url_path``) is set here the way
django-treebeard sets it (steps of four base-36 digits).
"""

from django.db import migrations
from django.utils.text import slugify
from wagtail.models import Site

ENGLISH = "en"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEP = 4
TWINS = ("title", "intro", "summary", "body")
# Fields a translation does not take from the page it translates.
OWN_FIELDS = {
    "id",
    "page_ptr",
    "path",
    "depth",
    "numchild",
    "url_path",
    "slug",
    "locale",
    "latest_revision",
    "live_revision",
    "locked",
    "locked_at",
    "locked_by",
    "alias_of",
    "has_unpublished_changes",
}


def _step(number):
    digits = ""
    while number:
        number, remainder = divmod(number, len(ALPHABET))
        digits = ALPHABET[remainder] + digits
    return digits.rjust(STEP, "0")


def _children(Page, parent):
    return Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)


def _has_content(value):
    if hasattr(value, "raw_data"):  # a StreamValue
        return len(value) > 0
    return bool(value and str(value).strip())


def _stored(value):
    return value.get_prep_value() if hasattr(value, "raw_data") else value


def _english_or_vietnamese(page, name):
    english = getattr(page, f"{name}_en", None)
    return english if _has_content(english) else getattr(page, name)


def _free_slug(Page, parent, wanted):
    taken = set(_children(Page, parent).values_list("slug", flat=True))
    slug, number = wanted, 2
    while slug in taken:
        slug, number = f"{wanted}-{number}", number + 1
    return slug


def _add_translation(Page, model, source, parent, slug, locale):
    """A copy of ``source`` as the last child of ``parent``, in ``locale``, its text the
    English twins (or the Vietnamese text where the twin is empty)."""
    last = _children(Page, parent).order_by("-path").values_list("path", flat=True).first()
    number = int(last[-STEP:], len(ALPHABET)) + 1 if last else 1
    slug = _free_slug(Page, parent, slug)
    copy = model(
        path=parent.path + _step(number),
        depth=parent.depth + 1,
        numchild=0,
        slug=slug,
        url_path=f"{parent.url_path}{slug}/",
        locale=locale,
        has_unpublished_changes=False,
    )
    for field in model._meta.concrete_fields:
        if field.name not in OWN_FIELDS and not field.name.endswith("_en"):
            setattr(copy, field.attname, getattr(source, field.attname))
    for name in TWINS:
        if hasattr(source, name):
            setattr(copy, name, _stored(_english_or_vietnamese(source, name)))
    copy.draft_title = copy.title
    copy.save()
    Page.objects.filter(pk=parent.pk).update(numchild=parent.numchild + 1)
    parent.numchild += 1
    return copy


def _english_slug(page):
    if page.slug.startswith("ket-qua-"):
        return "results-" + page.slug.removeprefix("ket-qua-")
    title = slugify(getattr(page, "title_en", ""))[:80].rstrip("-")
    return title or page.slug


def _has_english(page):
    return any(_has_content(getattr(page, f"{name}_en", None)) for name in TWINS)


def _old_english_path(home, page):
    """Where the English text of ``page`` was read before: /en/ and its Vietnamese path."""
    return "/" + ENGLISH + page.url_path[len(home.url_path) - 1 :].rstrip("/")


def to_translations(apps, schema_editor):
    Redirect = apps.get_model("wagtailredirects", "Redirect")
    Locale = apps.get_model("wagtailcore", "Locale")
    Page = apps.get_model("wagtailcore", "Page")
    HomePage = apps.get_model("cms", "HomePage")
    ResultsPage = apps.get_model("cms", "ResultsPage")
    ArticlePage = apps.get_model("cms", "ArticlePage")
    english, _created = Locale.objects.get_or_create(language_code=ENGLISH)
    for home in HomePage.objects.exclude(locale=english).order_by("path"):
        if Page.objects.filter(translation_key=home.translation_key, locale=english).exists():
            continue
        root = Page.objects.get(depth=home.depth - 1, path=home.path[:-STEP])
        english_home = _add_translation(
            Page, HomePage, home, root, f"{home.slug}-{ENGLISH}", english
        )
        for model, wanted in ((ResultsPage, lambda page: True), (ArticlePage, _has_english)):
            for page in _children(model, home).order_by("path"):
                if not wanted(page):
                    continue
                translated = _add_translation(
                    Page, model, page, english_home, _english_slug(page), english
                )
                Redirect.objects.get_or_create(
                    old_path=_old_english_path(home, page),
                    site=None,
                    defaults={"redirect_page": translated, "is_permanent": True},
                )
    # Wagtail keeps the home pages' addresses in the cache; the English one is new.
    Site.clear_site_root_paths_cache()


def to_twin_fields(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    Page = apps.get_model("wagtailcore", "Page")
    english = Locale.objects.filter(language_code=ENGLISH).first()
    if english is None:
        return
    for model_name in ("HomePage", "ResultsPage", "ArticlePage"):
        model = apps.get_model("cms", model_name)
        for translated in model.objects.filter(locale=english):
            source = model.objects.exclude(locale=english).filter(
                translation_key=translated.translation_key
            )
            values = {
                f"{name}_en": _stored(getattr(translated, name))
                for name in TWINS
                if hasattr(translated, name)
            }
            for page in source:
                for name, value in values.items():
                    setattr(page, name, value)
                page.save()
    for home in Page.objects.filter(locale=english, depth=2):
        root = Page.objects.get(depth=1, path=home.path[:-STEP])
        Page.objects.filter(path__startswith=home.path).delete()
        Page.objects.filter(pk=root.pk).update(numchild=_children(Page, root).count())
    Site.clear_site_root_paths_cache()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0004_chart_rates_from_the_indicator_table"),
        ("wagtailcore", "0094_alter_page_locale"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
    ]

    operations = [migrations.RunPython(to_translations, to_twin_fields)]

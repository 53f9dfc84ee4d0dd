"""English twin fields become English pages: translations in Wagtail's ``en`` locale.

Each Vietnamese home page gets an English translation beside it under the tree's root, and
under it a translation of every results page and of every article that had English text, with
an English slug (``ket-qua-2023-h1`` → ``results-2023-h1``; an article's from its English
title). An empty English field takes the Vietnamese text, as the page showed it before. A
draft's English text comes from its latest revision (a live page's unpublished English
changes become a draft of its translation), and a private page's restrictions are copied, so
it stays private in English. The English address a page had (``/en/`` and its Vietnamese
slug) redirects, for its site, to its translation, or to the Vietnamese page when there was
no English text, so links people shared keep working. The next migration drops the twin
fields. Going back copies the English pages' text into the twin fields and deletes the
English pages, their revisions and their log.

Written with the migration's own models: Wagtail's tree methods are not on them, so a page's
place in the tree (``path``, ``depth``, ``numchild``, ``url_path``) is set here the way
django-treebeard sets it (steps of four base-36 digits).
"""

import json

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


def _from_revision(name, value):
    """A field's value as a revision's content keeps it: a stream as its JSON text."""
    if name == "body" and isinstance(value, str):
        return json.loads(value) if value.strip() else []
    return value


def _row_texts(page):
    return {
        name: (getattr(page, f"{name}_en", None), getattr(page, name))
        for name in TWINS
        if hasattr(page, name)
    }


def _draft_texts(page):
    """The texts of the page's latest revision when it holds what the row does not show (a
    page never published, or changes not published yet); else None."""
    revision = page.latest_revision
    if revision is None or (page.live and not page.has_unpublished_changes):
        return None
    content = revision.content
    return {
        name: (
            _from_revision(name, content.get(f"{name}_en")),
            _from_revision(name, content.get(name)),
        )
        for name in TWINS
        if hasattr(page, name)
    }


def _english_of(texts):
    """{field: its English text, or the Vietnamese one where the English is empty}."""
    return {
        name: _stored(english if _has_content(english) else vietnamese)
        for name, (english, vietnamese) in texts.items()
    }


def _has_english(texts):
    return any(_has_content(english) for english, _vietnamese in texts.values())


def _free_slug(Page, parent, wanted):
    taken = set(_children(Page, parent).values_list("slug", flat=True))
    slug, number = wanted, 2
    while slug in taken:
        slug, number = f"{wanted}-{number}", number + 1
    return slug


def _add_translation(apps, model, source, parent, slug, locale):
    """A copy of ``source`` as the last child of ``parent``, in ``locale``, its text the
    English twins (or the Vietnamese text where a twin is empty), its view restrictions
    copied (a private page stays private in English). A page never published takes its
    latest draft; a live page with changes not yet published gets them as a draft."""
    Page = apps.get_model("wagtailcore", "Page")
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
        has_unpublished_changes=not source.live,
    )
    for field in model._meta.concrete_fields:
        if field.name not in OWN_FIELDS and not field.name.endswith("_en"):
            setattr(copy, field.attname, getattr(source, field.attname))
    draft = _draft_texts(source)
    if draft is not None and not source.live:
        # Never published: the row keeps the first save; the page is its latest draft.
        _take_draft_fields(model, source, copy)
    shown = _shown_texts(source)
    for name, value in _english_of(shown).items():
        setattr(copy, name, value)
    copy.draft_title = copy.title
    copy.save()
    Page.objects.filter(pk=parent.pk).update(numchild=parent.numchild + 1)
    parent.numchild += 1
    _copy_restrictions(apps, source, copy)
    if draft is not None and source.live and _english_of(draft) != _english_of(shown):
        _add_draft(apps, source, copy, _english_of(draft))
    return copy


def _take_draft_fields(model, source, copy):
    """The page's own fields (a date, the periods it quotes…) as its latest draft has them."""
    content = source.latest_revision.content
    for field in model._meta.local_concrete_fields:
        if field.name in content and field.name not in TWINS and field.name != "page_ptr":
            if not field.name.endswith("_en"):
                setattr(copy, field.attname, content[field.name])


def _shown_texts(page):
    """The texts the page shows: a live page's row, else its latest draft's."""
    draft = _draft_texts(page)
    return draft if draft is not None and not page.live else _row_texts(page)


def _copy_restrictions(apps, source, copy):
    Restriction = apps.get_model("wagtailcore", "PageViewRestriction")
    for restriction in Restriction.objects.filter(page_id=source.pk):
        groups = list(restriction.groups.all())
        restriction.pk = None
        restriction.page_id = copy.pk
        restriction.save()
        restriction.groups.set(groups)


def _add_draft(apps, source, copy, texts):
    """The English changes of ``source``'s unpublished draft, as a draft of ``copy``."""
    Revision = apps.get_model("wagtailcore", "Revision")
    Page = apps.get_model("wagtailcore", "Page")
    content = {
        key: value
        for key, value in source.latest_revision.content.items()
        if not key.endswith("_en")
    }
    for field in ("pk", "path", "depth", "numchild", "url_path", "slug", "translation_key"):
        content[field] = getattr(copy, field)
    content.update(locale=copy.locale_id, latest_revision=None, live_revision=None)
    for name, value in texts.items():
        content[name] = json.dumps(value) if name == "body" else value
    content["draft_title"] = content["title"]
    revision = Revision.objects.create(
        content_type_id=copy.content_type_id,
        base_content_type_id=source.latest_revision.base_content_type_id,
        object_id=str(copy.pk),
        created_at=source.latest_revision.created_at,
        user_id=source.latest_revision.user_id,
        object_str=content["title"],
        content=content,
    )
    Page.objects.filter(pk=copy.pk).update(
        latest_revision=revision,
        has_unpublished_changes=True,
        draft_title=content["title"],
        latest_revision_created_at=revision.created_at,
    )


def _english_slug(page, texts):
    if page.slug.startswith("ket-qua-"):
        return "results-" + page.slug.removeprefix("ket-qua-")
    english_title = texts.get("title", ("", ""))[0] or ""
    return slugify(english_title)[:80].rstrip("-") or page.slug


def _old_english_path(home, page):
    """Where the English text of ``page`` was read before: /en/ and its Vietnamese path."""
    return "/" + ENGLISH + page.url_path[len(home.url_path) - 1 :].rstrip("/")


def _keep_old_address(apps, home, page, target):
    """A permanent redirect from ``page``'s old English address to ``target``, for the site
    whose home page ``home`` is (unless the address did not change)."""
    Redirect = apps.get_model("wagtailredirects", "Redirect")
    SiteRecord = apps.get_model("wagtailcore", "Site")
    old_path = _old_english_path(home, page)
    if target.locale_id != home.locale_id and old_path == f"/{ENGLISH}/{target.slug}":
        return  # the translation kept the address
    site = SiteRecord.objects.filter(root_page_id=home.pk).first()
    Redirect.objects.get_or_create(
        old_path=old_path,
        site=site,
        defaults={"redirect_page_id": target.pk, "is_permanent": True},
    )


def _wants_translation(page):
    """English text in what the page shows or in its draft."""
    draft = _draft_texts(page)
    return _has_english(_shown_texts(page)) or (draft is not None and _has_english(draft))


def to_translations(apps, schema_editor):
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
            apps, HomePage, home, root, f"{home.slug}-{ENGLISH}", english
        )
        for model in (ResultsPage, ArticlePage):
            for page in _children(model, home).order_by("path"):
                if model is ArticlePage and not _wants_translation(page):
                    # Read in Vietnamese until now: its old English address leads there.
                    _keep_old_address(apps, home, page, page)
                    continue
                # The address comes from what the page shows, not from a draft.
                slug = _english_slug(page, _shown_texts(page))
                translated = _add_translation(apps, model, page, english_home, slug, english)
                _keep_old_address(apps, home, page, translated)
    # Wagtail keeps the home pages' addresses in the cache; the English one is new.
    Site.clear_site_root_paths_cache()


def to_twin_fields(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    Page = apps.get_model("wagtailcore", "Page")
    Revision = apps.get_model("wagtailcore", "Revision")
    LogEntry = apps.get_model("wagtailcore", "PageLogEntry")
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
    english_pages = Page.objects.filter(locale=english)
    ids = list(english_pages.values_list("pk", flat=True))
    Revision.objects.filter(object_id__in=[str(pk) for pk in ids]).filter(
        base_content_type__app_label="wagtailcore", base_content_type__model="page"
    ).delete()
    LogEntry.objects.filter(page_id__in=ids).delete()
    parents = {path[:-STEP] for path in english_pages.values_list("path", flat=True)}
    english_pages.delete()
    for path in parents:
        parent = Page.objects.filter(path=path).first()
        if parent is not None:
            Page.objects.filter(pk=parent.pk).update(numchild=_children(Page, parent).count())
    Site.clear_site_root_paths_cache()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0004_chart_rates_from_the_indicator_table"),
        ("wagtailcore", "0094_alter_page_locale"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
    ]

    operations = [migrations.RunPython(to_translations, to_twin_fields)]

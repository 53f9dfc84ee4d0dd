"""The English site: English translations of the public pages, in Wagtail's locales.

Vietnamese pages are in the default locale and served at ``/…``; each English page is a
translation of one of them (same ``translation_key``) in the ``en`` locale, under the English
home page, served at ``/en/…`` with its own English slug. A page nobody translated has no
English address: the language switch then leads to the nearest page above it that has one.

Staff translate a page with the admin's "Translate" action (``wagtail.contrib.simple_translation``),
which copies the Vietnamese page, figure blocks and period included, for them to rewrite the
text. The pages the tracker writes itself (results pages, reports, the demo) are translated
here with :func:`translate`.
"""

from django.conf import settings
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Locale, Page, PageViewRestriction
from wagtail.signals import page_unpublished

ENGLISH = "en"
# The English home page's title when the site is first set up.
ENGLISH_HOME_TITLE = "Workplace democracy"


def english_locale():
    return Locale.objects.get_or_create(language_code=ENGLISH)[0]


def translation_in(page, language_code):
    """``page``'s translation into ``language_code`` (the page itself in its own), or None."""
    if page.locale.language_code == language_code:
        return page
    found = page.get_translations().filter(locale__language_code=language_code).first()
    return found.specific if found else None


def free_slug(parent, wanted, page=None):
    """``wanted``, or ``wanted-2``, ``wanted-3``… if a page beside it (other than ``page``,
    being renamed) already has that slug."""
    taken = set(
        parent.get_children().exclude(pk=getattr(page, "pk", None)).values_list("slug", flat=True)
    )
    slug, number = wanted, 2
    while slug in taken:
        slug, number = f"{wanted}-{number}", number + 1
    return slug


def english_home(home):
    """The English translation of the Vietnamese ``home``, made (live) if missing."""
    existing = translation_in(home, ENGLISH)
    if existing is not None:
        return existing
    return _new_translation(home, f"{home.slug}-{ENGLISH}", title=ENGLISH_HOME_TITLE)


def translate(page, slug, *, publish=True, user=None, **fields):
    """The English translation of ``page``, created as a copy of it when missing, with
    ``fields`` written over the copy and ``slug`` (made free among its siblings).

    An existing translation is returned as it is: an editor may have rewritten it. The copy
    is published when ``publish`` is true and ``page`` is live; otherwise saved as a draft.
    """
    existing = translation_in(page, ENGLISH)
    if existing is not None:
        return existing
    english_home(page.get_parent().specific)
    return _new_translation(page, slug, publish=publish, user=user, **fields)


def _new_translation(page, slug, *, publish=True, user=None, **fields):
    """Wagtail's copy of ``page`` in English (under its parent's translation), renamed to
    ``slug``, with ``fields`` written over it, saved as a revision and published if asked
    and ``page`` is live."""
    english = page.copy_for_translation(english_locale())
    english.slug = free_slug(english.get_parent(), slug, english)
    for name, value in fields.items():
        setattr(english, name, value)
    english.draft_title = english.title
    english.save()
    revision = english.save_revision(user=user, log_action=True)
    if publish and page.live:
        revision.publish(user=user)
    _forget_copied_address(english)
    return type(english).objects.get(pk=english.pk)


def _forget_copied_address(page):
    """Wagtail keeps a redirect from a page's old address when its slug changes, once the
    change is committed; a copy renamed a moment after it was made had no address to keep."""
    transaction.on_commit(lambda: Redirect.objects.filter(redirect_page=page).delete())


def is_vietnamese(page):
    """Whether ``page`` is in the site's first language (a page translations follow)."""
    return page.locale.language_code == settings.LANGUAGE_CODE


def in_vietnamese(pages):
    """The pages of the queryset ``pages`` in the site's first language."""
    return pages.filter(locale__language_code=settings.LANGUAGE_CODE)


@transaction.atomic
def mirror_privacy(page):
    """Give ``page``'s translations the Vietnamese page's view restrictions: a page made
    private (or public again) in Vietnamese is private (or public) in English too."""
    if not is_vietnamese(page):
        return
    restrictions = list(PageViewRestriction.objects.filter(page=page).prefetch_related("groups"))
    for translation in page.get_translations():
        PageViewRestriction.objects.filter(page=translation).delete()
        for restriction in restrictions:
            copy = PageViewRestriction.objects.create(
                page=translation,
                restriction_type=restriction.restriction_type,
                password=restriction.password,
            )
            copy.groups.set(restriction.groups.all())


def _mirror_privacy_of(page_id):
    page = Page.objects.filter(pk=page_id).first()
    if page is not None:
        mirror_privacy(page)


def _restriction_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _mirror_privacy_of(instance.page_id)


def _restriction_groups_changed(sender, instance, action, **kwargs):
    # Only once the groups are set, and not from a group's side of the relation.
    if action.startswith("post_") and isinstance(instance, PageViewRestriction):
        _mirror_privacy_of(instance.page_id)


def _restriction_deleted(sender, instance, **kwargs):
    # Django deletes a page's restrictions before the page itself: wait for the commit, and
    # mirror only if the page is still there. A page deleted (in bulk, say) leaves its
    # translations their restrictions rather than making them public.
    page_id = instance.page_id
    transaction.on_commit(lambda: _mirror_privacy_of(page_id))


def _page_unpublished(sender, instance, **kwargs):
    """A Vietnamese page taken down takes its translations down, however it was taken down
    (the admin's page or bulk actions, a scheduled expiry, a period unlocked)."""
    if is_vietnamese(instance):
        for translation in Page.objects.translation_of(instance).live().specific():
            translation.unpublish()


def _page_deleted(sender, instance, **kwargs):
    """A Vietnamese page deleted takes its translations with it (the home page included:
    Wagtail's own cascade reaches only pages whose parents are translations)."""
    if is_vietnamese(instance):
        for translation in Page.objects.translation_of(instance).specific():
            translation.delete()


def connect_signals():
    """What is done to a Vietnamese page follows on its translations (``cms.apps``)."""
    for signal, receiver in (
        (post_save, _restriction_saved),
        (post_delete, _restriction_deleted),
    ):
        signal.connect(receiver, sender=PageViewRestriction, dispatch_uid=receiver.__name__)
    m2m_changed.connect(
        _restriction_groups_changed,
        sender=PageViewRestriction.groups.through,
        dispatch_uid="_restriction_groups_changed",
    )
    page_unpublished.connect(_page_unpublished, dispatch_uid="_page_unpublished")
    post_delete.connect(_page_deleted, sender=Page, dispatch_uid="_page_deleted")

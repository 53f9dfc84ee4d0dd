"""The language links of public pages: hreflang alternates and the language switch.

A Wagtail page's version in another language is its translation (``cms.translations``), at
its own address with its own slug; a page nobody translated has no alternate, and the switch
leads to the nearest page above it that has a translation. Other public screens (search, the
developers page) have the same path in each language, under ``/en/`` for English.
"""

from django import template
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.urls import translate_url
from wagtail.models import Page

register = template.Library()

NATIVE_NAMES = {"vi": "Tiếng Việt", "en": "English"}
HOME_DEPTH = 2  # the home pages sit right under the tree's root


@register.simple_tag(takes_context=True)
def language_versions(context):
    """This page in every language: absolute address, code, native name, whether current, and
    whether it is this very page translated (an hreflang alternate) or only a page above it."""
    request = context.get("request")
    if request is None or not _host_allowed(request):
        # A server error page has no request, and the page refusing a host must not name it.
        return []
    if "exception" in context and "request_path" in context:
        # Django's error pages (404, 403, 400): written in both languages already, and the
        # address that failed has no version in the other language to point at.
        return []
    current = context.get("LANGUAGE_CODE") or settings.LANGUAGE_CODE
    page = context.get("page")
    if isinstance(page, Page) and page.pk and not getattr(request, "is_preview", False):
        urls = _translated_page_urls(page, request)
    else:
        path = request.get_full_path()
        urls = {code: (translate_url(path, code), True) for code, _name in settings.LANGUAGES}
    return [
        {
            "code": code,
            "name": NATIVE_NAMES.get(code, code),
            "url": request.build_absolute_uri(urls[code][0]),
            "alternate": urls[code][1],
            "current": code == current,
        }
        for code, _name in settings.LANGUAGES
        if code in urls
    ]


def _translated_page_urls(page, request):
    """{language: (URL, whether it is ``page`` itself)} from the live public translations of
    ``page`` and of the pages above it (two queries): in each language the deepest one whose
    every page above it down from the home page is live too, since Wagtail serves a page only
    through its parents."""
    keys = list(
        page.get_ancestors(inclusive=True).filter(depth__gt=1).values_list("translation_key")
    )
    candidates = (
        Page.objects.live()
        .public()
        .filter(translation_key__in=[key for (key,) in keys])
        .select_related("locale")
        .order_by("depth")
    )
    reachable = {}
    for candidate in candidates:
        code = candidate.locale.language_code
        chain = reachable.setdefault(code, [])
        if candidate.depth == HOME_DEPTH + len(chain):
            chain.append(candidate)
    query = request.META.get("QUERY_STRING", "")
    found = {}
    for code, chain in reachable.items():
        if not chain:
            continue
        deepest = chain[-1]
        exact = deepest.translation_key == page.translation_key
        url = deepest.get_url(request)
        if url is not None:
            found[code] = (f"{url}?{query}" if exact and query else url, exact)
    return found


def _host_allowed(request):
    try:
        request.get_host()
    except DisallowedHost:
        return False
    return True

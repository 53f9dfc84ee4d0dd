"""The language links of public pages: hreflang alternates and the language switch."""

from django import template
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.urls import translate_url

register = template.Library()

NATIVE_NAMES = {"vi": "Tiếng Việt", "en": "English"}


@register.simple_tag(takes_context=True)
def language_versions(context):
    """This URL in every language: absolute address, code, native name, whether current."""
    request = context.get("request")
    if request is None or not _host_allowed(request):
        # A server error page has no request, and the page refusing a host must not name it.
        return []
    current = context.get("LANGUAGE_CODE") or settings.LANGUAGE_CODE
    path = request.get_full_path()
    return [
        {
            "code": code,
            "name": NATIVE_NAMES.get(code, code),
            "url": request.build_absolute_uri(translate_url(path, code)),
            "current": code == current,
        }
        for code, _name in settings.LANGUAGES
    ]


def _host_allowed(request):
    try:
        request.get_host()
    except DisallowedHost:
        return False
    return True

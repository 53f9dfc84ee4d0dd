"""Language selection: public pages by their URL, the portal and the admin by the visitor."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation

# Screens outside the public site speak the language the visitor chose with the switch.
CHOSEN_LANGUAGE_PREFIXES = ("/portal/", "/admin/", "/i18n/", "/documents/")


def chosen_language(request):
    """The language set by the switch (its cookie), else the site's first language.

    Never the browser's Accept-Language: an officer whose phone is set to English still gets
    the Vietnamese screens the federation trains them on, until they choose otherwise.
    """
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if code:
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            pass
    return settings.LANGUAGE_CODE


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's middleware, except outside the public site.

    With ``i18n_patterns(prefix_default_language=False)`` Django serves every unprefixed URL in
    the default language; the portal's and the admin's language switch must keep working.
    """

    def process_request(self, request):
        if not request.path_info.startswith(CHOSEN_LANGUAGE_PREFIXES):
            return super().process_request(request)
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()
        return None

"""Language selection: public pages by their URL, the portal and the admin by the visitor."""

from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation

# Screens outside the public site keep the language the visitor chose (cookie, then browser).
CHOSEN_LANGUAGE_PREFIXES = ("/portal/", "/admin/", "/django-admin/", "/i18n/", "/documents/")


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's middleware, except outside the public site.

    With ``i18n_patterns(prefix_default_language=False)`` Django serves every unprefixed URL in
    the default language; the portal's and the admin's language switch must keep working.
    """

    def process_request(self, request):
        if not request.path_info.startswith(CHOSEN_LANGUAGE_PREFIXES):
            return super().process_request(request)
        translation.activate(translation.get_language_from_request(request))
        request.LANGUAGE_CODE = translation.get_language()
        return None

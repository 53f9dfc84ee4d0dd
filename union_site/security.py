"""The content security policy, with the one allowance the Wagtail admin needs."""

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware

# Some of the Wagtail admin's own widgets (date pickers, inline panels) carry inline scripts.
ADMIN_ALLOWANCES = {"script-src": [UNSAFE_INLINE]}


class SiteCSPMiddleware(CSPMiddleware):
    """The strict policy everywhere; inline scripts are tolerated under /admin/ only."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if request.path.startswith("/admin/") and parts.update is None:
            parts.update = ADMIN_ALLOWANCES
        return parts

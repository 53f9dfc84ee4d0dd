"""The portal at /portal/: each module of this package brings its own URL patterns."""

from . import accounts, area_moves, records, review, units

app_name = "portal"

urlpatterns = [
    *accounts.urlpatterns,
    *units.urlpatterns,
    *records.urlpatterns,
    *review.urlpatterns,
    *area_moves.urlpatterns,
]

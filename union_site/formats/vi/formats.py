"""Vietnamese formats: one date format for people, dd/mm/yyyy, and HH:MM for times.

Django's own Vietnamese formats write dates out in words ("Ngày 31 tháng 12 năm 2023") or
with dashes; officers read and write 31/12/2023.
"""

from union_site.formats.shared import *  # noqa: F403 - the formats both languages share

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."

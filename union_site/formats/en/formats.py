"""English formats: the same dd/mm/yyyy dates as the Vietnamese pages, so that a figure's
date reads the same in both languages."""

from union_site.formats.shared import *  # noqa: F403 - the formats both languages share

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","

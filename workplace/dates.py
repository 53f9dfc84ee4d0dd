"""Dates as people read them: dd/mm/yyyy in every language of the site."""

from django.utils.formats import date_format


def format_day(day):
    """31/12/2023: the site's short date format (see ``union_site/formats``)."""
    return date_format(day, "SHORT_DATE_FORMAT")

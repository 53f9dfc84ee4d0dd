"""What each field of the open figures means, in words, derived from the indicator table.

The API's schema and the public "for developers" page both read ``figure_fields``, so that a
new indicator is described in both places by its one entry in ``workplace.indicators``.
"""

import dataclasses

from django.utils.functional import lazy
from django.utils.translation import gettext as _

from workplace.indicators import WORKER_TABLE

COUNT = "count"
RATE = "rate"
GRADES = "grades"

# The Python type of each kind of field, as the API schema declares it.
TYPES = {COUNT: int, RATE: float, GRADES: dict[str, int]}


@dataclasses.dataclass(frozen=True)
class FieldGuide:
    key: str  # its key in a figures row (JSON) and its column in the files
    kind: str  # COUNT, RATE or GRADES
    label: object  # the indicator's label (a rate: its column heading)
    meaning: object  # what it counts, in the active language when read

    @property
    def python_type(self):
        return TYPES[self.kind]


def _quoted_label(table, figure_key):
    return table.by_figure[figure_key].label


def _count_meaning(indicator, table):
    values = {"label": indicator.label}
    if indicator.grades:
        graded = table.by_figure[indicator.grades[0][1]]
        values["among"] = _quoted_label(table, graded.among)
        values["grades"] = ", ".join(grade for grade, _figure in indicator.grades)
        return (
            _(
                "“%(label)s”: an object with one count per grade (%(grades)s) of the units "
                "counted in “%(among)s”."
            )
            % values
        )
    if indicator.parts:
        values["parts"] = " + ".join(indicator.parts)
        return _("“%(label)s”: the sum %(parts)s.") % values
    if indicator.column is None:
        return _("“%(label)s”: the number of units counted.") % values
    values["among"] = _quoted_label(table, indicator.among)
    if indicator.kind == "flag":
        return _("How many of the units counted in “%(among)s” meet “%(label)s”.") % values
    return _("“%(label)s”, summed over the units counted in “%(among)s”.") % values


def _rate_meaning(indicator):
    return _(
        "%(count)s as a percentage of %(denominator)s, rounded half up to the period's "
        "decimals; null when %(denominator)s is 0."
    ) % {"count": indicator.figure_key, "denominator": indicator.denominator}


def _lazy_text(function, *args):
    # Evaluated when read, so that a page and a schema each get their own language.
    return lazy(function, str)(*args)


def figure_fields(table=WORKER_TABLE):
    """Every field of a figures row of ``table``, in the order the files show them."""
    fields = []
    for indicator in table.indicators:
        if indicator.hidden:
            continue
        kind = GRADES if indicator.grades else COUNT
        meaning = _lazy_text(_count_meaning, indicator, table)
        fields.append(FieldGuide(indicator.figure_key, kind, indicator.label, meaning))
        if indicator.rated:
            rate_meaning = _lazy_text(_rate_meaning, indicator)
            fields.append(
                FieldGuide(indicator.rate_key, RATE, indicator.rate_heading, rate_meaning)
            )
    return fields

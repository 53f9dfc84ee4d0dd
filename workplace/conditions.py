"""Conditions written once as Django ``Q`` objects and read two ways: by the database, and in
Python for one record (``evaluate``), so a check made before writing agrees with the query
that later counts the record.
"""

import operator

from django.db.models import F, Q

COMPARISONS = {
    "exact": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
    "range": lambda value, bounds: bounds[0] <= value <= bounds[1],
    "in": lambda value, choices: value in choices,
}


class ConditionUnreadable(Exception):
    """A check constraint's condition that only the database can evaluate."""


def evaluate(condition, values):
    """``condition`` (a Q) over ``values`` with SQL's logic: True, False or None (unknown).

    A CHECK constraint holds unless its condition is false, so None passes, as it does for
    ``Q.check``.
    """
    if isinstance(condition, Q):
        results = [evaluate(child, values) for child in condition.children]
        if condition.connector == Q.AND:
            result = False if False in results else None if None in results else True
        else:
            result = True if True in results else None if None in results else False
        return None if result is None else (not result if condition.negated else result)
    lookup, right = condition
    name, _, comparison = lookup.partition("__")
    left = values[name]
    if isinstance(right, F):
        right = values[right.name]
    if comparison == "isnull":
        return (left is None) == bool(right)
    if left is None or right is None:
        return None
    return COMPARISONS[comparison or "exact"](left, right)


def references(condition):
    """The fields ``evaluate`` reads for ``condition``; ConditionUnreadable if it cannot."""
    if isinstance(condition, Q):
        if condition.connector not in (Q.AND, Q.OR):
            raise ConditionUnreadable(condition)
        return set().union(*(references(child) for child in condition.children))
    if not isinstance(condition, tuple):
        raise ConditionUnreadable(condition)
    lookup, right = condition
    name, _, comparison = lookup.partition("__")
    if comparison not in COMPARISONS and comparison not in ("", "isnull"):
        raise ConditionUnreadable(condition)
    if isinstance(right, F):
        return {name, right.name}
    if hasattr(right, "resolve_expression"):
        raise ConditionUnreadable(condition)
    return {name}


class Latest:
    """A flag decided by a unit's latest record on or before ``until`` (among those meeting
    ``among``): 1 when that record meets ``condition``. The latest declaration decides
    eligibility, not any declaration; the latest signed of the agreements in force gives
    their grade."""

    def __init__(self, condition, date_field, until, among=None):
        self.condition = condition
        self.date_field = date_field
        self.until = until
        self.among = among or Q()

    def in_time(self):
        """The records the latest is chosen among."""
        return Q(**{f"{self.date_field}__lte": self.until}) & self.among


class LatestValue(Latest):
    """A number read on a unit's latest record on or before ``until`` (0 without one): the
    workers of its latest headcount declaration."""

    def __init__(self, field, date_field, until, among=None):
        super().__init__(Q(), date_field, until, among)
        self.field = field

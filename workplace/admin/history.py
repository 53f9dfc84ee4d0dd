"""A record's History screen in the admin: Wagtail's own log entries and the project's audit
entries, as one list, newest first.

The audit log records every change to a record whichever way it came (the portal, an import,
the admin, the shell), with each field's value before and after; Wagtail's log records what
its own screens did. Both are read for this one object only: Wagtail's entries by content
type and id, the audit log's by kind of record and id, so no entry of another object ever
shows. Where the audit log already holds the same save with its changes (a tracked record
created, edited or deleted through the admin), Wagtail's line for it is left out rather than
shown twice.

A page costs the same queries however many entries there are: the count, one page of
(kind, id, moment) from both logs at once, each log's entries of that page, and the names
their changes point to (one query per kind of related record).
"""

import dataclasses

from django.db.models import CharField, F, Value
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.history import HistoryView
from wagtail.log_actions import registry as log_registry
from wagtail.users.views.users import HistoryView as UserHistoryView

from ..audit import SOURCE_LABELS
from ..history import describe_all
from ..models import AuditEntry, TrackedModel

AUDIT = "audit"
WAGTAIL = "wagtail"
# Wagtail's actions whose every occurrence on a tracked record the audit log also holds.
ACTIONS_THE_AUDIT_LOG_HOLDS = ("wagtail.create", "wagtail.edit", "wagtail.delete")
NOTHING = "—"


@dataclasses.dataclass(frozen=True)
class HistoryRow:
    """One line of the History screen, whichever log it comes from."""

    when: str
    who: str
    channel: str
    action: str
    changes: str  # HTML: each changed field as "label: before → after"


def shown_moment(moment):
    """31/12/2023 14:05 in the site's time zone."""
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def changes_html(changes):
    # A field left empty when the record was created says nothing: only what moved is shown.
    changes = [change for change in changes if change["before"] != change["after"]]
    if not changes:
        return NOTHING
    items = format_html_join(
        "",
        "<li>{}: {} → {}</li>",
        ((change["label"], change["before"], change["after"]) for change in changes),
    )
    return format_html('<ul class="w-list-none w-p-0 w-m-0">{}</ul>', items)


def audit_row(described):
    return HistoryRow(
        when=shown_moment(described["entry"].at),
        who=described["who"],
        channel=str(described["source"]),
        action=str(described["action"]),
        changes=changes_html(described["changes"]),
    )


def wagtail_row(entry):
    return HistoryRow(
        when=shown_moment(entry.timestamp),
        who=str(entry.user) if entry.user else str(entry.user_display_name),
        # Wagtail writes its log from its own screens only.
        channel=str(SOURCE_LABELS["admin"]),
        action=str(entry.message),
        changes=NOTHING,
    )


def with_kind(queryset, kind, moment_field):
    """(id, kind, moment) of each entry, the shape both logs share in one list."""
    # Each part unordered: a compound statement is ordered once, as a whole.
    return (
        queryset.order_by()
        .annotate(log_kind=Value(kind, output_field=CharField()), moment=F(moment_field))
        .values_list("pk", "log_kind", "moment")
    )


class AuditTrailMixin:
    """For a Wagtail ``HistoryView``: the object's audit entries beside Wagtail's own."""

    # Both logs in one list cannot be narrowed by Wagtail's filters, which know one log's
    # actions and users; the audit log's own screen filters by channel, action and date.
    filterset_class = None

    @cached_property
    def columns(self):
        return [
            Column("when", label=_("When"), width="15%"),
            Column("who", label=_("Who"), width="15%"),
            Column("channel", label=_("Through"), width="15%"),
            Column("action", label=_("Action"), width="15%"),
            Column("changes", label=_("What changed")),
        ]

    def audit_entries(self):
        return AuditEntry.objects.filter(
            model=self.object._meta.label_lower, object_pk=str(self.object.pk)
        )

    def wagtail_entries(self):
        entries = log_registry.get_logs_for_instance(self.object)
        if isinstance(self.object, TrackedModel):
            entries = entries.exclude(action__in=ACTIONS_THE_AUDIT_LOG_HOLDS)
        return entries

    def get_base_queryset(self):
        audit = with_kind(self.audit_entries(), AUDIT, "at")
        wagtail = with_kind(self.wagtail_entries(), WAGTAIL, "timestamp")
        return audit.union(wagtail, all=True).order_by("-moment", "-log_kind", "-pk")

    def order_queryset(self, queryset):
        return queryset  # ordered once, newest first, in get_base_queryset

    def paginate_queryset(self, queryset, page_size):
        paginator, page, keys, has_other_pages = super().paginate_queryset(queryset, page_size)
        page.object_list = self.history_rows(list(keys))
        return paginator, page, page.object_list, has_other_pages

    def history_rows(self, keys):
        """The page's lines, in the order of ``keys`` ((id, kind, moment), newest first)."""
        wanted = {AUDIT: [], WAGTAIL: []}
        for pk, kind, _moment in keys:
            wanted[kind].append(pk)
        rows = {}
        if wanted[AUDIT]:
            entries = AuditEntry.objects.filter(pk__in=wanted[AUDIT]).select_related("actor")
            for described in describe_all(entries, self.request.user):
                rows[(described["entry"].pk, AUDIT)] = audit_row(described)
        if wanted[WAGTAIL]:
            entries = self.wagtail_entries().filter(pk__in=wanted[WAGTAIL]).select_related("user")
            for entry in entries:
                rows[(entry.pk, WAGTAIL)] = wagtail_row(entry)
        return [rows[(pk, kind)] for pk, kind, _moment in keys]


class AuditHistoryView(AuditTrailMixin, HistoryView):
    pass


class AccountHistoryView(AuditTrailMixin, UserHistoryView):
    pass

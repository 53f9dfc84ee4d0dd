"""Choosing units (enterprises) in the admin: a searchable, paginated modal instead of a list
of every unit, so that forms stay usable with 150,000 units.

The modal searches by the folded name and tax code ("huu lung" finds "Hữu Lũng") and lists
only the units the person may see (``visible_to``). A single unit (a record's enterprise) is
picked with Wagtail's own chooser widget, registered for every foreign key to ``Enterprise``;
an officer's units, many at once, with ``UnitsChooserWidget``. Whatever is submitted is still
checked by the form field on the server.
"""

from django import forms
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.staticfiles import versioned_static
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.chooser import ChooserViewSet

from ..models import Enterprise
from ..text import fold
from .access import FederationOnlyViewSetMixin

UNITS_PER_PAGE = 20


class UnitSearchForm(BaseFilterForm):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Name or tax code")}),
    )

    def filter(self, objects):
        objects = super().filter(objects)
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            objects = objects.filter(search_text__contains=fold(query))
            self.is_searching = True
            self.search_query = query
        return objects


class VisibleUnitsMixin:
    """Only the units the person may see, their areas fetched in the same query."""

    filter_form_class = UnitSearchForm

    def get_object_list(self):
        units = Enterprise.objects.visible_to(self.request.user)
        return units.select_related("area").order_by("name", "tax_code")

    @property
    def columns(self):
        area = Enterprise._meta.get_field("area")
        return [*super().columns, Column("area", label=capfirst(area.verbose_name))]


class ChooseUnitView(VisibleUnitsMixin, chooser_views.ChooseView):
    pass


class ChooseUnitResultsView(VisibleUnitsMixin, chooser_views.ChooseResultsView):
    pass


class ChosenUnitView(chooser_views.ChosenView):
    def get_object(self, pk):
        return Enterprise.objects.visible_to(self.request.user).get(pk=pk)


class ChosenUnitsView(chooser_views.ChosenMultipleView):
    def get_objects(self, pks):
        pks = [pk for pk in pks if pk.isdigit()]
        return Enterprise.objects.visible_to(self.request.user).filter(pk__in=pks)


class UnitChooserViewSet(FederationOnlyViewSetMixin, ChooserViewSet):
    model = Enterprise
    icon = "doc-full"
    choose_one_text = _("Choose a unit")
    choose_another_text = _("Choose another unit")
    page_title = _("Choose units")
    per_page = UNITS_PER_PAGE
    choose_view_class = ChooseUnitView
    choose_results_view_class = ChooseUnitResultsView
    chosen_view_class = ChosenUnitView
    chosen_multiple_view_class = ChosenUnitsView
    # Units are registered through the portal or an import, never from inside a chooser.
    creation_form_class = None
    form_fields = None


unit_chooser_viewset = UnitChooserViewSet("unit_chooser", url_prefix="units/choose")


class UnitsChooserWidget(forms.Widget):
    """Several units: the chosen ones as ticked boxes (unticking one takes it off), and a
    button opening the chooser modal to add more. Only the chosen units are read from the
    database, never the whole list."""

    template_name = "workplace/admin/widgets/units_chooser.html"
    allow_multiple_selected = True

    def value_from_datadict(self, data, files, name):
        return data.getlist(name)

    def value_omitted_from_data(self, data, files, name):
        # Like checkboxes: no value submitted means no unit, not "leave as it was".
        return False

    def format_value(self, value):
        if value is None:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        return [str(item) for item in values if str(item).isdigit()]

    def chosen_units(self, pks):
        return Enterprise.objects.filter(pk__in=pks).order_by("name", "tax_code")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"].update(
            {
                "units": self.chosen_units(context["widget"]["value"]),
                "chooser_url": reverse(unit_chooser_viewset.get_url_name("choose")),
            }
        )
        return context

    @cached_property
    def media(self):
        return forms.Media(
            js=[
                versioned_static("wagtailadmin/js/chooser-modal.js"),
                "workplace/admin/units-chooser.js",
            ]
        )

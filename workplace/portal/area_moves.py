"""Units waiting for their commune after the 2025 reform: the conversion
(``convert_areas_2025``) could not move them by itself, because the ward they were filed under
was split between communes. A reviewer chooses one of the candidate communes for each unit of
their scope; the move is saved like any change of the unit, so it is in the audit log."""

from django import forms
from django.contrib import messages
from django.db.models import F, Prefetch
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from workplace import area_reform
from workplace.models import Area, Enterprise, PendingAreaMove, StaleRecordError

from .access import reviewer_view
from .review import paginate


def waiting_units(user):
    """The questions about the units ``user`` may see, each with its candidates at hand."""
    units = Enterprise.objects.visible_to(user)
    return (
        PendingAreaMove.objects.filter(enterprise__in=units.values("pk"))
        .filter(enterprise__area=F("old_area"))  # not placed meanwhile by another way
        .select_related("enterprise", "old_area__parent")
        .prefetch_related(Prefetch("candidates", queryset=Area.objects.order_by("name")))
        .order_by("enterprise__name", "pk")
    )


class CommuneChoiceForm(forms.Form):
    """One of the unit's candidate communes; any other id is refused."""

    area = forms.TypedChoiceField(label=gettext_lazy("New commune or ward"), coerce=int)

    def __init__(self, *args, waiting, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {area.pk: area for area in waiting.candidates.all()}
        self.fields["area"].choices = [("", _("Choose…"))] + [
            (pk, area.name) for pk, area in self.candidates.items()
        ]
        self.fields["area"].widget.attrs["id"] = f"commune-{waiting.pk}"

    def chosen(self):
        return self.candidates[self.cleaned_data["area"]]


@reviewer_view
def new_communes(request):
    page = paginate(request, waiting_units(request.user))
    rows = [{"waiting": waiting, "form": CommuneChoiceForm(waiting=waiting)} for waiting in page]
    return render(request, "portal/review/new_communes.html", {"page": page, "rows": rows})


@require_POST
@reviewer_view
def choose_commune(request, pk):
    waiting = waiting_units(request.user).filter(pk=pk).first()
    if waiting is None:  # placed meanwhile by someone else, or never in this reviewer's scope
        messages.info(request, _("This unit no longer waits for its new commune."))
        return redirect("portal:review_new_communes")
    form = CommuneChoiceForm(request.POST, waiting=waiting)
    if not form.is_valid():
        messages.error(request, _("Choose one of the communes listed for the unit."))
        return redirect("portal:review_new_communes")
    area = form.chosen()
    unit = waiting.enterprise
    try:
        area_reform.choose(waiting, area)
    except (area_reform.AlreadyMoved, StaleRecordError):
        messages.info(request, _("This unit no longer waits for its new commune."))
        return redirect("portal:review_new_communes")
    messages.success(
        request,
        _("%(unit)s is now filed under %(area)s.") % {"unit": unit.name, "area": area.name},
    )
    return redirect("portal:review_new_communes")


urlpatterns = [
    path("review/new-communes/", new_communes, name="review_new_communes"),
    path("review/new-communes/<int:pk>/", choose_commune, name="review_choose_commune"),
]

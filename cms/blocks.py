"""StreamField blocks of articles: text, and figures read live from a published snapshot.

A figure block stores only the period and what to show; the numbers are read when the page
is rendered. If the period is later unpublished the block shows a neutral note instead.
"""

from django import forms
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from workplace.models import ReportingPeriod

from . import figures

PARAGRAPH_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class PublishedPeriodBlock(blocks.FieldBlock):
    """A select of published periods, stored as the period's id.

    Only published periods can be chosen; a stored period that is no longer published is
    still loaded, so that its blocks can say the figures are not available.
    """

    def __init__(self, required=True, help_text=None, **kwargs):
        self._required = required
        self._help_text = help_text
        super().__init__(**kwargs)

    @cached_property
    def field(self):
        return forms.ModelChoiceField(
            queryset=figures.published_periods().order_by("-end", "start"),
            required=self._required,
            help_text=self._help_text,
            label=self.label,
        )

    def to_python(self, value):
        if value is None:
            return None
        return ReportingPeriod.objects.filter(pk=value).first()

    def bulk_to_python(self, values):
        found = ReportingPeriod.objects.in_bulk([v for v in values if v is not None])
        return [found.get(value) for value in values]

    def get_prep_value(self, value):
        return value.pk if isinstance(value, ReportingPeriod) else value

    def value_from_form(self, value):
        return value

    def value_for_form(self, value):
        return value.pk if isinstance(value, ReportingPeriod) else value

    def get_form_state(self, value):
        return self.field.widget.format_value(self.value_for_form(value))

    class Meta:
        icon = "date"


class LiveFiguresBlock(blocks.StructBlock):
    """A block whose context carries the chosen period's published figures (or None)."""

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["figures"] = figures.period_figures(value.get("period"))
        return context


class FigureBlock(LiveFiguresBlock):
    period = PublishedPeriodBlock(label=_("Reporting period"))
    indicator = blocks.ChoiceBlock(choices=figures.indicator_choices, label=_("Figure"))

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        if context["figures"] is not None:
            context["figure"] = figures.figure(context["figures"]["totals"], value["indicator"])
        return context

    class Meta:
        icon = "pick"
        label = _("Figure")
        template = "cms/blocks/figure.html"


class CoverageTableBlock(LiveFiguresBlock):
    period = PublishedPeriodBlock(label=_("Reporting period"))
    breakdown = blocks.ChoiceBlock(
        choices=list(figures.BREAKDOWN_CAPTIONS.items()), default="area", label=_("Breakdown")
    )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        if context["figures"] is not None:
            context["table"] = figures.coverage_table(context["figures"], value["breakdown"])
        return context

    class Meta:
        icon = "table"
        label = _("Coverage table")
        template = "cms/blocks/coverage_table.html"


class ChartBlock(LiveFiguresBlock):
    period = PublishedPeriodBlock(label=_("Reporting period"))
    indicator = blocks.ChoiceBlock(
        choices=figures.rate_choices,
        default="conference",
        label=_("Rate"),
    )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        if context["figures"] is not None:
            # Several charts may share a page: ids must stay unique for aria-labelledby.
            chart_id = f"chart-{value['period'].slug}-{value['indicator']}-{id(value)}"
            context["chart"] = figures.bar_chart(
                context["figures"], (value["indicator"],), chart_id=chart_id
            )
        return context

    class Meta:
        icon = "bars"
        label = _("Chart by area")
        template = "cms/blocks/chart.html"


class ArticleStreamBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(
        form_classname="title", label=_("Section heading"), template="cms/blocks/heading.html"
    )
    paragraph = blocks.RichTextBlock(features=PARAGRAPH_FEATURES, label=_("Paragraph"))
    figure = FigureBlock()
    coverage_table = CoverageTableBlock()
    chart = ChartBlock()

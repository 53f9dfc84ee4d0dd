"""The report writer in the Wagtail admin: pick a frozen period, get a draft article."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from workplace.admin.access import FederationOnlyMixin
from workplace.models import ReportingPeriod

from . import figures
from .models import ArticlePage
from .report_writer import write_report
from .translations import in_vietnamese


class ReportWriterView(FederationOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "cms/admin/report_writer.html"
    header_icon = "doc-full"

    def get_page_title(self):
        return _("Write a report")

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        periods = ReportingPeriod.objects.filter(status__in=figures.FROZEN).order_by("-end")
        drafts = {}
        articles = in_vietnamese(ArticlePage.objects.filter(source_period__in=periods))
        for article in articles.order_by("-pk"):
            drafts.setdefault(article.source_period_id, article)
        context["periods"] = [
            {
                "period": period,
                "write_url": reverse("write_report", args=[period.slug]),
                "latest": drafts.get(period.pk),
                "latest_url": (
                    reverse("wagtailadmin_pages:edit", args=[drafts[period.pk].pk])
                    if period.pk in drafts
                    else None
                ),
            }
            for period in periods
        ]
        return context


class WriteReportView(FederationOnlyMixin, View):
    http_method_names = ["post"]

    def post(self, request, slug):
        period = get_object_or_404(ReportingPeriod, slug=slug)
        try:
            article = write_report(period, request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("report_writer")
        messages.success(
            request, _("A draft report for “%(period)s” was written.") % {"period": period.name}
        )
        if not figures.is_public(period):
            messages.warning(
                request,
                _(
                    "The period is locked but not published: its figure blocks stay empty and "
                    "the article cannot be shown until the period is published."
                ),
            )
        return redirect("wagtailadmin_pages:edit", article.pk)


urlpatterns = [
    path("reports/write/", ReportWriterView.as_view(), name="report_writer"),
    path("reports/write/<slug:slug>/", WriteReportView.as_view(), name="write_report"),
]

"""The admin listings' own CSV and XLSX downloads (``?export=csv|xlsx``), through the one safe
writer of ``spreadsheets``: a UTF-8 BOM for Excel, formula-like text behind a quote, typed
cells with dd/mm/yyyy dates. Wagtail's writers would do neither of the first two."""

import io

from django.http import FileResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

from ..spreadsheets import XLSX_CONTENT_TYPE, csv_chunks, write_xlsx


class SafeSpreadsheetExportMixin:
    """For a Wagtail ``IndexView``: its export, written by the application's writer."""

    def spreadsheet_rows(self, queryset, export_format):
        """The heading row, then each item's exported fields as Wagtail prepares them."""
        yield [self.get_heading(queryset, field) for field in self.list_export]
        for item in queryset:
            yield [
                self.preprocess_field_value(field, value, export_format)
                for field, value in self.to_row_dict(item).items()
            ]

    def write_csv_response(self, queryset):
        rows = self.spreadsheet_rows(queryset, self.FORMAT_CSV)
        response = StreamingHttpResponse(csv_chunks(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(
            True, f"{self.get_filename()}.csv"
        )
        return response

    def write_xlsx_response(self, queryset):
        output = io.BytesIO()
        write_xlsx(self.spreadsheet_rows(queryset, self.FORMAT_XLSX), output, self.get_filename())
        output.seek(0)
        return FileResponse(
            output,
            as_attachment=True,
            content_type=XLSX_CONTENT_TYPE,
            filename=f"{self.get_filename()}.xlsx",
        )

"""The admin listings' own CSV and XLSX downloads (``?export=csv|xlsx``), through the one safe
writer of ``spreadsheets``: a UTF-8 BOM for Excel, formula-like text behind a quote, typed
cells with dd/mm/yyyy dates. Wagtail's writers would do neither of the first two."""

import io

from ..downloads import attachment
from ..spreadsheets import csv_chunks, write_xlsx


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
        return attachment(csv_chunks(rows), f"{self.get_filename()}.csv")

    def write_xlsx_response(self, queryset):
        output = io.BytesIO()
        write_xlsx(self.spreadsheet_rows(queryset, self.FORMAT_XLSX), output, self.get_filename())
        output.seek(0)
        return attachment(output, f"{self.get_filename()}.xlsx")

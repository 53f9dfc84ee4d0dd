"""Files handed out for download: the content type of each format and the attachment header,
written once for every CSV, XLSX and JSON response of the site."""

from pathlib import PurePath

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

# The content type of each format the application writes, by its file extension.
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def content_type_of(file_name):
    """The content type of ``file_name``'s format, known by its extension."""
    return CONTENT_TYPES[PurePath(file_name).suffix.lstrip(".").lower()]


def attachment(content, file_name):
    """``content`` as a download named ``file_name``, typed by the name's extension.

    ``content`` is bytes or text (sent at once), an open binary file (streamed from it, with
    its length), or any other iterable of chunks (streamed as each chunk is made, so a large
    table never sits whole in memory).
    """
    content_type = content_type_of(file_name)
    if hasattr(content, "read"):
        return FileResponse(
            content, as_attachment=True, filename=file_name, content_type=content_type
        )
    if isinstance(content, bytes | str):
        response = HttpResponse(content, content_type=content_type)
    else:
        response = StreamingHttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, file_name)
    return response

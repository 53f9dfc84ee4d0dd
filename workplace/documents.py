"""Uploaded documents (minutes, agreement texts): checked by content, stored out of public reach.

Files live under ``PRIVATE_MEDIA_ROOT``, which the web server never serves; the portal hands
them out only to users whose scope holds the unit, as attachments.
"""

import io
import logging
import os
import uuid
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.db.models import FileField, signals
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024

# What each accepted type's first bytes must be; the file name is never trusted.
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "docx": (b"PK\x03\x04",),
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@deconstructible
class SettingFolderStorage(FileSystemStorage):
    """File storage under the folder a setting names (``setting``), read at each use so the
    setting can change (tests give each one its own folder)."""

    setting = None

    @property
    def base_location(self):
        return getattr(settings, self.setting)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


@deconstructible
class PrivateStorage(SettingFolderStorage):
    """Minutes, agreement texts, imported and exported files: ``PRIVATE_MEDIA_ROOT``."""

    setting = "PRIVATE_MEDIA_ROOT"


def private_storage():
    return PrivateStorage()


def document_kind(uploaded):
    """'pdf', 'png', 'jpg' or 'docx' judged by the content, or None."""
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    for kind, signatures in SIGNATURES.items():
        if head.startswith(signatures):
            if kind == "docx" and not _is_word_document(uploaded):
                return None
            return kind
    return None


def _is_word_document(uploaded):
    try:
        with zipfile.ZipFile(io.BytesIO(uploaded.read())) as archive:
            return "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False
    finally:
        uploaded.seek(0)


def validate_document(uploaded):
    """At most 10 MB, and really a PDF, DOCX, JPEG or PNG file."""
    if uploaded is None or not hasattr(uploaded, "read"):
        return
    if getattr(uploaded, "_committed", False):
        return  # already stored and checked when it was uploaded
    if uploaded.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(_("The file is larger than 10 MB."), code="too_large")
    if document_kind(uploaded) is None:
        raise ValidationError(
            _("Only PDF, DOCX, JPEG or PNG files can be attached."), code="file_type"
        )


@deconstructible
class DocumentPath:
    """A generated name for the file in ``field_name``: nothing the uploader chose is kept."""

    def __init__(self, field_name):
        self.field_name = field_name

    def __call__(self, instance, filename):
        kind = document_kind(getattr(instance, self.field_name)) or "bin"
        return f"documents/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{kind}"

    def __eq__(self, other):
        return isinstance(other, DocumentPath) and other.field_name == self.field_name

    def __hash__(self):
        return hash(self.field_name)


def document_fields(model):
    return [field for field in model._meta.concrete_fields if isinstance(field, FileField)]


def _delete_on_commit(storage, names):
    """Delete files once the change that dropped them is committed, never before: a rolled
    back change still needs its file, and a failed deletion must not undo the change."""
    names = [name for name in names if name]
    if names:
        transaction.on_commit(lambda: _delete_quietly(storage, names))


def _delete_quietly(storage, names):
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.warning("A replaced document could not be deleted: %s", name, exc_info=True)


def forget_replaced_documents(sender, instance, raw=False, **kwargs):
    """pre_save: the stored files this save replaces or removes are deleted after commit."""
    fields = document_fields(sender)
    if raw or not fields or instance.pk is None:
        return
    stored = (
        sender._base_manager.filter(pk=instance.pk).values_list(*(f.attname for f in fields))
    ).first()
    if stored is None:
        return
    for field, old_name in zip(fields, stored, strict=True):
        if old_name and old_name != getattr(instance, field.attname).name:
            _delete_on_commit(field.storage, [old_name])


def forget_deleted_documents(sender, instance, **kwargs):
    """post_delete: a deleted record's files are deleted after commit."""
    for field in document_fields(sender):
        _delete_on_commit(field.storage, [getattr(instance, field.attname).name])


def connect_document_cleanup(models):
    for model in models:
        if document_fields(model):
            signals.pre_save.connect(forget_replaced_documents, sender=model)
            signals.post_delete.connect(forget_deleted_documents, sender=model)

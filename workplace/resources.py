"""Spreadsheet import and export in the README's “The import format”, built on
django-import-export.

One Resource per kind, every related object named by its natural key (a code or a tax code),
so a file written by ``export_records`` reads back through ``import_records`` unchanged.
"""

import datetime
import numbers
import re

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from .invitations import invite_on_commit
from .models import (
    Area,
    AreaEra,
    CollectiveAgreement,
    Dialogue,
    Enterprise,
    HeadcountDeclaration,
    InspectionBoard,
    OfficialsConference,
    Regulation,
    ReportingPeriod,
    Sector,
    UnionBody,
    User,
    WorkerConference,
)
from .text import normalise_tax_code, restore_defused

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
TRUE_WORDS = {"true", "1", "có", "co", "yes", "x"}
FALSE_WORDS = {"false", "0", "không", "khong", "no"}


def is_blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


class TextWidget(widgets.Widget):
    """Text kept exactly as given, less surrounding spaces and an export's safety quote."""

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a code typed into a number cell: 178.0 means "178"
        return restore_defused(str(value).strip())

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class TaxCodeWidget(TextWidget):
    """Tax codes are text; a spreadsheet that turned one into a number lost its leading zeros."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, numbers.Number) and not isinstance(value, bool):
            return f"{int(value):010d}"
        return normalise_tax_code(super().clean(value, row, **kwargs))


TEXT = TextWidget()
TAX_CODE = TaxCodeWidget()


class DayWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = str(value).strip()
        if ISO_DAY.fullmatch(text):
            # The common case, read without strptime's cost; same result as "%Y-%m-%d".
            try:
                return datetime.date.fromisoformat(text)
            except ValueError:
                pass  # 2023-02-31 and the like: reported below, as any unreadable date
        for fmt in DATE_FORMATS:
            try:
                return datetime.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise ValueError(
            _("'%(value)s' is not a date: write YYYY-MM-DD or DD/MM/YYYY.") % {"value": text}
        )

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class FlagWidget(widgets.Widget):
    """true/false, also 1/0 and có/không; an empty cell means true (still operating)."""

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return True
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if isinstance(value, numbers.Number):
            word = str(int(value))
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValueError(
            _("'%(value)s' is not true or false: write true/false, 1/0 or có/không.")
            % {"value": value}
        )

    def render(self, value, obj=None, **kwargs):
        return "true" if value else "false"


class CountWidget(widgets.Widget):
    """A whole number of people, zero or more, written with digits only.

    "1,000" or "1.000" is refused rather than guessed: the same text means one thousand to
    one reader and one to another.
    """

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        if isinstance(value, numbers.Number) and not isinstance(value, bool):
            if float(value).is_integer():
                return self._not_negative(int(value), value)
        else:
            text = str(value).strip()
            if text.lstrip("-").isdigit():
                return self._not_negative(int(text), value)
        raise ValueError(
            _("'%(value)s' is not a whole number: write digits only, without separators.")
            % {"value": value}
        )

    @staticmethod
    def _not_negative(number, value):
        if number < 0:
            raise ValueError(_("'%(value)s' cannot be negative.") % {"value": value})
        return number

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


def field_codes(model, name):
    """The codes the choices of a model's field allow, as text, in their order."""
    return [str(code) for code, _label in model._meta.get_field(name).choices]


class ChoiceWidget(widgets.Widget):
    """One of the ``values`` (codes, in lower case), in any case; an empty cell means none."""

    def __init__(self, values, **kwargs):
        self.values = list(values)  # in their order: messages and templates list them so
        self.allowed = frozenset(self.values)
        super().__init__(**kwargs)

    def code(self, value):
        """The cell as the code it is looked up as."""
        return str(value).strip().lower()

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return ""
        code = self.code(value)
        if code not in self.allowed:
            raise ValueError(self.refusal(value))
        return code

    def refusal(self, value):
        return _("'%(value)s' is not allowed here; use one of: %(allowed)s.") % {
            "value": value,
            "allowed": ", ".join(self.values),
        }

    def render(self, value, obj=None, **kwargs):
        return value or ""


class GradeWidget(ChoiceWidget):
    """A collective agreement's grade, a letter A to D in either case; empty: not graded."""

    def __init__(self, **kwargs):
        super().__init__(field_codes(CollectiveAgreement, "grade"), **kwargs)

    def code(self, value):
        return str(value).strip().upper()

    def refusal(self, value):
        return _("'%(value)s' is not a grade: write %(allowed)s, or leave the cell empty.") % {
            "value": value,
            "allowed": ", ".join(self.values),
        }


class DecimalsWidget(ChoiceWidget):
    """How many decimals a period's rates are rounded to; an empty cell means the default."""

    def __init__(self, **kwargs):
        super().__init__(field_codes(ReportingPeriod, "decimals"), **kwargs)
        self.default = ReportingPeriod._meta.get_field("decimals").default

    def code(self, value):
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a number cell of a spreadsheet: 2.0 means 2
        return str(value).strip()

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return self.default
        return int(super().clean(value, row, **kwargs))

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class NaturalKeyWidget(widgets.ForeignKeyWidget):
    """A related object named by its code; an unknown code is the user's error, not a crash.

    An import of many rows first hands the column's cells to ``preload``: the objects they
    name are then read in a few queries rather than one per row.
    """

    PRELOAD_CHUNK = 2000

    def __init__(self, model, field, **kwargs):
        super().__init__(model, field, **kwargs)
        self.loaded = {}  # code → object (None: no such code), filled by ``preload``

    def key(self, value):
        return (TAX_CODE if self.field == "tax_code" else TEXT).clean(value)

    def preload(self, values):
        """Read at once the objects named by ``values`` (cells of this column)."""
        keys = list({self.key(value) for value in values} - set(self.loaded) - {""})
        for start in range(0, len(keys), self.PRELOAD_CHUNK):
            chunk = keys[start : start + self.PRELOAD_CHUNK]
            self.remember(chunk, self.model.objects.filter(**{f"{self.field}__in": chunk}))

    def remember(self, keys, found):
        """Keep what ``keys`` name: ``found``, the objects of those keys (None: no such)."""
        self.loaded.update(dict.fromkeys(keys))
        self.loaded.update((getattr(obj, self.field), obj) for obj in found.order_by())

    def clean(self, value, row=None, **kwargs):
        key = self.key(value)
        if not key:
            return None
        if key in self.loaded:
            found = self.loaded[key]
        else:
            found = self.model.objects.filter(**{self.field: key}).first()
        if found is None:
            raise ValueError(
                _("No %(kind)s with the code '%(code)s' exists.")
                % {"kind": self.model._meta.verbose_name, "code": key}
            )
        return found

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else getattr(value, self.field)


class AreaWidget(NaturalKeyWidget):
    """An area named by its code and, in the row's ``era_column``, its era.

    The era may be left empty when the code names an area of one era only; a code both maps
    use (a new commune that kept an old ward's code) must say which it means.
    """

    def __init__(self, era_column, **kwargs):
        super().__init__(Area, "code", **kwargs)
        self.era_column = era_column

    def remember(self, keys, found):
        # A code may name an area of each era: every area of the code is kept.
        self.loaded.update((code, []) for code in keys)
        for area in found.order_by():
            self.loaded[area.code].append(area)

    def clean(self, value, row=None, **kwargs):
        code = self.key(value)
        if not code:
            return None
        era = ERA.clean((row or {}).get(self.era_column))
        # Preloaded by a bulk import; a row-by-row import may have just created the area.
        stored = self.loaded[code] if code in self.loaded else Area.objects.filter(code=code)
        found = [area for area in stored if not era or area.era == era]
        if len(found) == 1:
            return found[0]
        if not found:
            raise ValueError(
                _("No %(kind)s with the code '%(code)s' exists.")
                % {"kind": Area._meta.verbose_name, "code": code}
                if not era
                else _("No area with the code '%(code)s' exists in the era '%(era)s'.")
                % {"code": code, "era": era}
            )
        raise ValueError(ambiguous_area_code(code, self.era_column))


def ambiguous_area_code(code, era_column):
    return _(
        "The code '%(code)s' names an area before and an area after the 2025 reform: write "
        "before_2025 or from_2025 in the column %(column)s."
    ) % {"code": code, "column": era_column}


class EraWidget(ChoiceWidget):
    """An area's era (``AreaEra``); an empty cell leaves it to the code to tell."""

    def __init__(self, **kwargs):
        super().__init__(AreaEra.values, **kwargs)


ERA = EraWidget()


class TaxCodesWidget(widgets.ManyToManyWidget):
    """Units named by their tax codes, separated by ';' (a ',' or a line break is read too)."""

    SEPARATORS = re.compile(r"[;,\s]+")

    def __init__(self, **kwargs):
        super().__init__(Enterprise, separator=";", field="tax_code", **kwargs)

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return []
        if isinstance(value, numbers.Number) and not isinstance(value, bool):
            parts = [value]
        else:
            parts = self.SEPARATORS.split(str(value))
        codes = list(dict.fromkeys(filter(None, (TAX_CODE.clean(p) for p in parts))))
        found = {unit.tax_code: unit for unit in Enterprise.objects.filter(tax_code__in=codes)}
        missing = [code for code in codes if code not in found]
        if missing:
            raise ValueError(
                _("No %(kind)s with the code '%(code)s' exists.")
                % {"kind": Enterprise._meta.verbose_name, "code": "', '".join(missing)}
            )
        return [found[code] for code in codes]

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return self.separator.join(sorted(unit.tax_code for unit in value.all()))


def column(attribute, widget, name=None):
    return fields.Field(attribute=attribute, column_name=name or attribute, widget=widget)


class RecordResource(resources.ModelResource):
    """What every kind shares: natural-key matching, unchanged rows skipped, full validation."""

    optional_columns = ()
    # Whether ``bulk_import.BulkImport`` imports this kind: the same checks and outcome as
    # row by row, with a few queries per thousands of rows instead of several per row.
    imports_in_bulk = False

    class Meta:
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        skip_html_diff = True
        use_transactions = True

    @classmethod
    def columns(cls):
        return list(cls._meta.fields)

    @classmethod
    def required_columns(cls):
        return [c for c in cls.columns() if c not in cls.optional_columns]

    def saved_even_if_unchanged(self, original):
        """Whether a stored record matched by an identical row is saved all the same."""
        return False

    def column_of(self, attribute):
        """The spreadsheet column a model field is read from."""
        for name, field in self.fields.items():
            if field.attribute == attribute:
                return name
        return (
            ", ".join(self._meta.import_id_fields) if attribute == NON_FIELD_ERRORS else attribute
        )

    def get_instance(self, instance_loader, row):
        # A bad key cell (unknown tax code, unreadable date) is a validation error of its
        # column, reported like any other, rather than an unexplained failure.
        keys, errors = {}, {}
        for name in self._meta.import_id_fields:
            field = self.fields[name]
            if field.column_name not in row:
                return None
            try:
                keys[field.attribute] = field.clean(row)
            except ValueError as error:
                errors[field.attribute] = str(error)
        if errors:
            raise ValidationError(errors)
        return self.get_queryset().filter(**keys).first()

    def export_queryset(self):
        return self.get_queryset()


class TreeResource(RecordResource):
    optional_columns = ("parent_code",)

    def export_queryset(self):
        # Parents before children, so the file imports again in one pass.
        return self.get_queryset().select_related("parent").order_by("path")


class AreaResource(TreeResource):
    optional_columns = ("parent_code", "era")

    code = column("code", TextWidget())
    name = column("name", TextWidget())
    kind = column("kind", ChoiceWidget(Area.Kind.values))
    parent_code = column("parent", AreaWidget("era"), "parent_code")
    era = column("era", ERA)

    class Meta(RecordResource.Meta):
        model = Area
        fields = ("code", "name", "kind", "parent_code", "era")
        import_id_fields = ("code", "era")

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        if "era" not in dataset.headers:
            dataset.append_col([""] * len(dataset), header="era")

    def before_import_row(self, row, **kwargs):
        # A row without its era updates the one area of that code, or adds one to today's
        # map; a code both maps use is refused by the era's own check below.
        if is_blank(row.get("era")):
            row["era"] = self.era_of_code(TEXT.clean(row.get("code")))

    @staticmethod
    def era_of_code(code):
        eras = set(Area.objects.filter(code=code).values_list("era", flat=True))
        if len(eras) > 1:
            raise ValidationError({"era": ambiguous_area_code(code, "era")})
        return eras.pop() if eras else AreaEra.FROM_2025


class UnionBodyResource(TreeResource):
    code = column("code", TextWidget())
    name = column("name", TextWidget())
    parent_code = column("parent", NaturalKeyWidget(UnionBody, "code"), "parent_code")

    class Meta(RecordResource.Meta):
        model = UnionBody
        fields = ("code", "name", "parent_code")
        import_id_fields = ("code",)


class PeriodResource(RecordResource):
    optional_columns = ("decimals",)

    slug = column("slug", TextWidget())
    name = column("name", TextWidget())
    start = column("start", DayWidget())
    end = column("end", DayWidget())
    min_members = column("min_members", CountWidget())
    decimals = column("decimals", DecimalsWidget())

    class Meta(RecordResource.Meta):
        model = ReportingPeriod
        fields = ("slug", "name", "start", "end", "min_members", "decimals")
        import_id_fields = ("slug",)

    def export_queryset(self):
        return self.get_queryset().order_by("start", "end")


class EnterpriseResource(RecordResource):
    optional_columns = ("dissolved_on", "area_era")

    tax_code = column("tax_code", TaxCodeWidget())
    name = column("name", TextWidget())
    sector = column("sector", ChoiceWidget(Sector.values))
    area_code = column("area", AreaWidget("area_era"), "area_code")
    # The era of the area, written on export; on import read by ``area_code``'s widget.
    area_era = fields.Field(
        attribute="area__era", column_name="area_era", widget=TEXT, readonly=True
    )
    union_body_code = column("union_body", NaturalKeyWidget(UnionBody, "code"), "union_body_code")
    union_established_on = column("union_established_on", DayWidget())
    dissolved_on = column("dissolved_on", DayWidget())

    class Meta(RecordResource.Meta):
        model = Enterprise
        fields = (
            "tax_code",
            "name",
            "sector",
            "area_code",
            "area_era",
            "union_body_code",
            "union_established_on",
            "dissolved_on",
        )
        import_id_fields = ("tax_code",)

    imports_in_bulk = True

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if original is not None and self.saved_even_if_unchanged(original):
            return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def saved_even_if_unchanged(self, original):
        # An identical row still verifies a unit that was waiting for verification.
        return original.may_be_verified

    def before_save_instance(self, instance, row, **kwargs):
        # The federation's own files are authoritative: imported units are verified.
        instance.mark_verified()

    def export_queryset(self):
        return self.get_queryset().select_related("area", "union_body").order_by("tax_code")


class EnterpriseRecordResource(RecordResource):
    """Records of one enterprise, named by its tax code and their own date."""

    imports_in_bulk = True

    tax_code = column("enterprise", NaturalKeyWidget(Enterprise, "tax_code"), "tax_code")

    def export_queryset(self):
        date_field = self._meta.model.date_field
        return (
            self.get_queryset()
            .select_related("enterprise")
            .order_by("enterprise__tax_code", date_field, "pk")
        )


class HeadcountResource(EnterpriseRecordResource):
    as_of = column("as_of", DayWidget())
    union_members = column("union_members", CountWidget())
    workers = column("workers", CountWidget())
    operating = column("operating", FlagWidget())

    class Meta(RecordResource.Meta):
        model = HeadcountDeclaration
        fields = ("tax_code", "as_of", "union_members", "workers", "operating")
        import_id_fields = ("tax_code", "as_of")


class ConferenceResource(EnterpriseRecordResource):
    optional_columns = ("attendees",)

    held_on = column("held_on", DayWidget())
    form = column("form", ChoiceWidget(WorkerConference.Form.values))
    attendees = column("attendees", CountWidget())

    class Meta(RecordResource.Meta):
        model = WorkerConference
        fields = ("tax_code", "held_on", "form", "attendees")
        import_id_fields = ("tax_code", "held_on")


class AgreementResource(EnterpriseRecordResource):
    optional_columns = ("submitted_on", "grade", "graded_on", "workers_covered")

    signed_on = column("signed_on", DayWidget())
    effective_from = column("effective_from", DayWidget())
    expires_on = column("expires_on", DayWidget())
    votes_for = column("votes_for", CountWidget())
    workers_consulted = column("workers_consulted", CountWidget())
    submitted_on = column("submitted_on", DayWidget())
    grade = column("grade", GradeWidget())
    graded_on = column("graded_on", DayWidget())
    workers_covered = column("workers_covered", CountWidget())

    class Meta(RecordResource.Meta):
        model = CollectiveAgreement
        fields = (
            "tax_code",
            "signed_on",
            "effective_from",
            "expires_on",
            "votes_for",
            "workers_consulted",
            "submitted_on",
            "grade",
            "graded_on",
            "workers_covered",
        )
        import_id_fields = ("tax_code", "signed_on")


class OfficialsConferenceResource(EnterpriseRecordResource):
    optional_columns = ("attendees",)

    held_on = column("held_on", DayWidget())
    attendees = column("attendees", CountWidget())

    class Meta(RecordResource.Meta):
        model = OfficialsConference
        fields = ("tax_code", "held_on", "attendees")
        import_id_fields = ("tax_code", "held_on")


class InspectionBoardResource(EnterpriseRecordResource):
    elected_on = column("elected_on", DayWidget())
    term_ends_on = column("term_ends_on", DayWidget())
    members = column("members", CountWidget())

    class Meta(RecordResource.Meta):
        model = InspectionBoard
        fields = ("tax_code", "elected_on", "term_ends_on", "members")
        import_id_fields = ("tax_code", "elected_on")


class RegulationResource(EnterpriseRecordResource):
    optional_columns = ("revised_on",)

    issued_on = column("issued_on", DayWidget())
    revised_on = column("revised_on", DayWidget())

    class Meta(RecordResource.Meta):
        model = Regulation
        fields = ("tax_code", "issued_on", "revised_on")
        import_id_fields = ("tax_code", "issued_on")


class DialogueResource(EnterpriseRecordResource):
    held_on = column("held_on", DayWidget())
    kind = column("kind", ChoiceWidget(Dialogue.Kind.values))

    class Meta(RecordResource.Meta):
        model = Dialogue
        fields = ("tax_code", "held_on", "kind")
        import_id_fields = ("tax_code", "held_on", "kind")


class OfficerResource(RecordResource):
    """Portal accounts: an officer's units, a reviewer's union body, federation staff.

    A new account has no usable password: once the import commits, its owner is e-mailed an
    invitation to choose one. Administrator accounts are neither exported nor changed here.
    """

    optional_columns = ("tax_codes", "union_body_code")

    username = column("username", TextWidget())
    email = column("email", TextWidget())
    full_name = column("full_name", TextWidget())
    role = column("role", ChoiceWidget(User.Role.values))
    tax_codes = column("units", TaxCodesWidget(), "tax_codes")
    union_body_code = column("union_body", NaturalKeyWidget(UnionBody, "code"), "union_body_code")

    class Meta(RecordResource.Meta):
        model = User
        fields = ("username", "email", "full_name", "role", "tax_codes", "union_body_code")
        import_id_fields = ("username",)

    # An import creates and keeps current the portal's accounts; federation staff and
    # administrators are managed in the admin only, so a file cannot redirect their e-mail
    # (and with it their password-reset link) or raise someone to their role.
    IMPORTABLE_ROLES = (User.Role.OFFICER, User.Role.REVIEWER)

    def init_instance(self, row=None):
        user = super().init_instance(row)
        user.set_unusable_password()
        return user

    def get_instance(self, instance_loader, row):
        name = self.fields["username"].clean(row)
        return self.get_queryset().filter(username__iexact=name).first() if name else None

    # What the preview shows of each change to an existing account, in this order.
    ACCOUNT_FIELDS = ("email", "full_name", "role", "union_body", "units")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.account_changes = []  # one entry per field an import changes on an account

    def account_values(self, user, units=None):
        """An account's fields as the preview shows them (units by their tax codes)."""
        if units is None:
            units = user.units.all() if user.pk is not None else []
        return {
            "email": user.email,
            "full_name": user.full_name,
            "role": user.get_role_display() if user.role else "",
            "union_body": user.union_body.code if user.union_body_id else "",
            "units": ";".join(sorted(unit.tax_code for unit in units)),
        }

    def note_account_changes(self, instance, before, row):
        units_field = self.fields["tax_codes"]
        try:
            units = units_field.clean(row) if units_field.column_name in row else None
        except ValueError:
            return
        after = self.account_values(instance, units)
        for name in self.ACCOUNT_FIELDS:
            if name == "units" and units is None:
                continue
            if before[name] != after[name]:
                self.account_changes.append(
                    {
                        "username": instance.username,
                        "field": str(User._meta.get_field(name).verbose_name),
                        "before": before[name],
                        "after": after[name],
                    }
                )

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        stored_role = instance.role if instance.pk is not None else None
        before = self.account_values(instance) if instance.pk is not None else None
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if before is not None and not errors:
            self.note_account_changes(instance, before, row)
        if instance.pk is not None and (
            instance.is_staff or instance.is_superuser or stored_role not in self.IMPORTABLE_ROLES
        ):
            errors.setdefault("username", []).append(
                ValidationError(
                    _(
                        "This is a federation or administrator account: change it in the "
                        "admin, not by import."
                    )
                )
            )
        elif instance.role and instance.role not in self.IMPORTABLE_ROLES:
            errors.setdefault("role", []).append(
                ValidationError(
                    _(
                        "An import creates officers and reviewers only; federation staff "
                        "accounts are created in the admin."
                    )
                )
            )
        if not instance.email and "email" not in errors:
            errors["email"] = [
                ValidationError(_("An e-mail address is needed: the invitation is sent there."))
            ]
        units = self.fields["tax_codes"]
        if units.column_name in row:
            # Many-to-many cells are only read when saving; check them with the rest of the row.
            try:
                units.clean(row)
            except ValueError as error:
                errors["units"] = [ValidationError(str(error))]
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        if instance.pk is None:
            instance.is_staff = False
            instance.is_superuser = False

    def save_instance(self, instance, is_create, row, **kwargs):
        super().save_instance(instance, is_create, row, **kwargs)
        if is_create and not self._is_dry_run(kwargs):
            invite_on_commit(instance)

    def export_queryset(self):
        return (
            self.get_queryset()
            .filter(is_staff=False, is_superuser=False, role__in=self.IMPORTABLE_ROLES)
            .select_related("union_body")
            .prefetch_related("units")
            .order_by("username")
        )


# The import kinds of the README's “The import format”, in the order a complete data set must
# be loaded.
RESOURCES = {
    "areas": AreaResource,
    "union_bodies": UnionBodyResource,
    "periods": PeriodResource,
    "enterprises": EnterpriseResource,
    "headcounts": HeadcountResource,
    "conferences": ConferenceResource,
    "officials_conferences": OfficialsConferenceResource,
    "inspection_boards": InspectionBoardResource,
    "regulations": RegulationResource,
    "agreements": AgreementResource,
    "dialogues": DialogueResource,
    "officers": OfficerResource,
}

# Each column's Vietnamese heading: the admin's templates write it in row 2, and the importer
# reads it, in any case, as that column.
VIETNAMESE_HEADINGS = {
    "code": "Mã",
    "name": "Tên",
    "kind": "Loại",
    "parent_code": "Mã cấp trên",
    "slug": "Mã kỳ",
    "start": "Từ ngày",
    "end": "Đến ngày",
    "min_members": "Số đoàn viên tối thiểu",
    "decimals": "Số chữ số thập phân của tỷ lệ",
    "tax_code": "Mã số thuế",
    "sector": "Loại hình",
    "area_code": "Mã địa bàn",
    "area_era": "Thời kỳ của địa bàn",
    "era": "Thời kỳ",
    "union_body_code": "Mã công đoàn cấp trên",
    "union_established_on": "Ngày thành lập công đoàn",
    "dissolved_on": "Ngày giải thể",
    "as_of": "Tính đến ngày",
    "union_members": "Số đoàn viên",
    "workers": "Số người lao động",
    "operating": "Đang hoạt động",
    "held_on": "Ngày tổ chức",
    "form": "Hình thức",
    "attendees": "Số người dự",
    "signed_on": "Ngày ký",
    "effective_from": "Có hiệu lực từ",
    "expires_on": "Ngày hết hạn",
    "votes_for": "Số phiếu tán thành",
    "workers_consulted": "Số người được lấy ý kiến",
    "submitted_on": "Ngày gửi cơ quan quản lý lao động",
    "grade": "Xếp loại",
    "graded_on": "Ngày xếp loại",
    "workers_covered": "Số người lao động được hưởng",
    "elected_on": "Ngày bầu",
    "term_ends_on": "Ngày hết nhiệm kỳ",
    "members": "Số thành viên",
    "issued_on": "Ngày ban hành",
    "revised_on": "Ngày sửa đổi",
    "username": "Tên đăng nhập",
    "email": "Thư điện tử",
    "full_name": "Họ và tên",
    "role": "Vai trò",
    "tax_codes": "Mã số thuế các đơn vị",
}
# The heading a kind gives one of its columns instead of the usual one.
KIND_HEADINGS = {
    "enterprises": {"name": "Tên doanh nghiệp"},
    "dialogues": {"kind": "Loại đối thoại"},
}


def vietnamese_headings(kind):
    """(column, Vietnamese heading) for each column of ``kind``, in the import's order."""
    overrides = KIND_HEADINGS.get(kind, {})
    return [
        (name, overrides.get(name, VIETNAMESE_HEADINGS[name])) for name in RESOURCES[kind].columns()
    ]


def every_vietnamese_heading():
    """(column, Vietnamese heading) for every heading a template may write, whatever its kind."""
    yield from VIETNAMESE_HEADINGS.items()
    for overrides in KIND_HEADINGS.values():
        yield from overrides.items()

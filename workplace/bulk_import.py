"""An import in bulk: every check of a row-by-row import, a few queries per thousands of rows.

django-import-export saves row by row, with several queries for each: the stored record,
each code named in the row, uniqueness, check constraints, the frozen periods, the save and
its audit entry. For a kind whose resource sets ``imports_in_bulk``, this module reads the same
cells with the same widgets and applies the same rules, but

* reads the codes a chunk of rows names, and the stored records its keys match, in a few
  queries per chunk;
* looks the locked and published periods up once per import;
* runs each row's field checks and the model's ``clean_against`` in Python, and evaluates the
  model's check constraints in Python too (a condition it cannot read is left to the
  database, as ``full_clean`` does); uniqueness needs no query, because every unique field
  set of such a model is its natural key, which is matched against the stored records and
  the rows read before;
* writes nothing until every row was checked, and nothing if any was wrong; then the new
  records with ``bulk_create``, the changed ones with one ``executemany`` after checking that
  nobody changed them meanwhile, and the audit entries with ``audit.write_entries``.

The outcome is the row-by-row one: the same counts of new, updated and unchanged rows, the
same errors for the same rows and columns, the versions bumped and one audit entry for each
created or changed record. A row repeating an earlier row's key updates that row's record, as
it would when the rows were saved one after the other.
"""

import contextlib
import copy
import dataclasses
import functools
import gc
import logging

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import IntegrityError, connections, router, transaction
from django.db.models import CheckConstraint
from django.utils.translation import gettext
from import_export.widgets import ManyToManyWidget

from . import audit, kept_facts
from .conditions import ConditionUnreadable, evaluate, references
from .models import Calendar, StaleRecordError
from .resources import NaturalKeyWidget

logger = logging.getLogger(__name__)

CHUNK_ROWS = 2000
WRITE_BATCH = 1000


@contextlib.contextmanager
def collector_paused():
    """Hold Python's cycle collector while an import builds its objects.

    An import keeps a record, a row and an audit entry per row alive until it writes them; the
    collector would walk all of them again and again as they pile up, for nothing (they form
    no garbage cycles), which costs a third of the time of a large import.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclasses.dataclass
class BulkOutcome:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    # (spreadsheet row, column, message), in row order.
    errors: list = dataclasses.field(default_factory=list)


@dataclasses.dataclass(eq=False)
class Pending:
    """A record the file creates or changes, and what its audit entries will say."""

    instance: object
    row: int
    new: bool
    stored_version: int | None = None
    events: list = dataclasses.field(default_factory=list)  # (action, changes)


@functools.cache
def check_constraints_of(model):
    """The model's check constraints, each with the attribute of every field it reads, by
    field name (None when only the database can evaluate it)."""
    meta = model._meta
    checks = []
    for constraint in meta.constraints:
        if not isinstance(constraint, CheckConstraint):
            continue
        try:
            names = references(constraint.condition)
            attributes = {
                name: "pk" if name == "pk" else meta.get_field(name).attname for name in names
            }
        except (ConditionUnreadable, FieldDoesNotExist):
            attributes = None
        checks.append((constraint, attributes))
    return checks


def check_constraints(instance, exclude):
    """``validate_constraints`` for check constraints, evaluated here rather than by queries.

    A constraint reading a field in ``exclude`` (one already reported wrong) is skipped, as
    ``full_clean`` does. Unique constraints are not checked: the importer matches their
    fields, the natural key.
    """
    failed = []
    for constraint, attributes in check_constraints_of(type(instance)):
        if attributes is None:
            try:
                constraint.validate(type(instance), instance, exclude=exclude)
                continue
            except ValidationError:
                holds = False
        elif exclude.intersection(attributes):
            continue
        else:
            values = {name: getattr(instance, attname) for name, attname in attributes.items()}
            holds = evaluate(constraint.condition, values) is not False
        if not holds:
            failed.append(
                ValidationError(
                    constraint.get_violation_error_message(), code=constraint.violation_error_code
                )
            )
    if failed:
        error = ValidationError({NON_FIELD_ERRORS: failed})
        if hasattr(instance, "_errors_by_field"):
            error = ValidationError(instance._errors_by_field(error))
        raise error


def unique_field_sets(model):
    meta = model._meta
    sets = [{f.name} for f in meta.local_concrete_fields if f.unique and not f.primary_key]
    sets += [set(fields) for fields in meta.unique_together]
    sets += [set(c.fields) for c in meta.total_unique_constraints]
    return sets


class BulkImport:
    """Import a dataset through ``resource``'s fields and rules, in bulk."""

    def __init__(self, resource, dry_run=False):
        self.resource = resource
        self.model = resource._meta.model
        self.dry_run = dry_run
        self.key_fields = [resource.fields[name] for name in resource._meta.import_id_fields]
        key_names = {field.attribute for field in self.key_fields}
        if not all(key_names <= unique for unique in unique_field_sets(self.model)):
            raise ValueError(f"{self.model.__name__}: a unique field set is not the import key")
        self.calendar = Calendar.loaded()
        self.outcome = BulkOutcome()
        self.matched = {}  # natural key → Pending or stored instance
        self.written = []  # Pending, in the order of their first row

    def run(self, dataset, row_numbers):
        headers = dataset.headers
        fields = [
            field
            for field in self.resource.get_import_fields()
            if field.attribute
            and not field.readonly
            and field.column_name in headers
            and not isinstance(field.widget, ManyToManyWidget)
        ]
        self.value_fields = [field for field in fields if field not in self.key_fields]
        model_fields = {
            field.attribute: self.model._meta.get_field(field.attribute) for field in fields
        }
        # Related objects are compared and matched by their id: reading one is a query.
        self.relations = {
            name: field.attname for name, field in model_fields.items() if field.is_relation
        }
        self.not_imported = {
            field.name
            for field in self.model._meta.concrete_fields
            if field.name not in model_fields
        }
        coded = [field for field in fields if isinstance(field.widget, NaturalKeyWidget)]
        rows = [dict(zip(headers, cells, strict=True)) for cells in dataset]
        for start in range(0, len(rows), CHUNK_ROWS):
            chunk = list(
                zip(
                    row_numbers[start : start + CHUNK_ROWS],
                    rows[start : start + CHUNK_ROWS],
                    strict=True,
                )
            )
            for field in coded:
                field.widget.preload(row[field.column_name] for _, row in chunk)
            keyed = [(number, row, self.key_of(number, row)) for number, row in chunk]
            self.load_stored([key for _, _, key in keyed if key is not None])
            for number, row, key in keyed:
                if key is not None:
                    self.import_row(number, row, *key)
        if not self.outcome.errors and not self.dry_run:
            self.write()
        return self.outcome

    # --- reading -------------------------------------------------------------------------

    def key_of(self, number, row):
        """The row's natural key as ``RecordResource.get_instance`` reads it, None if wrong.

        The key is the cleaned cells by attribute, and the tuple they are matched by (related
        objects by their id).
        """
        values, errors = {}, {}
        for field in self.key_fields:
            try:
                values[field.attribute] = field.clean(row)
            except ValueError as error:
                errors[field.attribute] = [str(error)]
        if errors:
            self.report(number, ValidationError(errors))
            return None
        match = tuple(
            value.pk if name in self.relations and value is not None else value
            for name, value in values.items()
        )
        return values, match

    def stored_key(self, instance):
        return tuple(
            getattr(instance, self.relations.get(field.attribute, field.attribute))
            for field in self.key_fields
        )

    def load_stored(self, keys):
        """Read the stored records the keys may match, a few queries for the whole chunk."""
        keys = [values for values, match in keys if None not in match and match not in self.matched]
        if not keys:
            return
        wanted = {
            f"{field.attribute}__in": {values[field.attribute] for values in keys}
            for field in self.key_fields
        }
        for instance in self.resource.get_queryset().filter(**wanted).order_by():
            self.matched.setdefault(self.stored_key(instance), instance)

    def import_row(self, number, row, key_values, match_key):
        try:
            self.check_row(number, row, key_values, match_key)
        except Exception as error:  # as django-import-export does: the row's error, not a crash
            self.outcome.errors.append((number, "—", str(error)))

    def check_row(self, number, row, key_values, match_key):
        errors, values = {}, {}
        for field in self.value_fields:
            try:
                values[field.attribute] = field.clean(row)
            except ValueError as error:
                errors[field.attribute] = [ValidationError(str(error), code="invalid")]
        values.update(key_values)

        match = self.matched.get(match_key)
        pending = match if isinstance(match, Pending) else None
        stored = pending.instance if pending else match
        if stored is not None and not errors and self.unchanged(stored, values):
            self.outcome.unchanged += 1
            return
        instance = copy.copy(stored) if stored is not None else self.model()
        for name, value in values.items():
            setattr(instance, name, value)

        errors = self.validate(instance, stored, errors)
        if errors:
            self.report(number, ValidationError(errors))
            return
        self.resource.before_save_instance(instance, row, dry_run=self.dry_run, row_number=number)
        instance.fill_derived_fields()
        after = audit.audited_values(instance)
        if stored is None:
            pending = Pending(instance, number, new=True)
            pending.events.append(
                ("create", {name: [None, value] for name, value in after.items()})
            )
            self.written.append(pending)
            self.matched[match_key] = pending
            self.outcome.new += 1
            return
        if pending is None:
            pending = Pending(instance, number, new=False, stored_version=stored.version)
            self.written.append(pending)
            self.matched[match_key] = pending
        changes = audit.differences(audit.audited_values(stored), after)
        if changes:
            pending.events.append(("change", changes))
        instance.version = stored.version + 1
        pending.instance = instance
        self.outcome.updated += 1

    def unchanged(self, stored, values):
        for name, value in values.items():
            if name in self.relations:
                if getattr(stored, self.relations[name]) != (
                    value.pk if value is not None else None
                ):
                    return False
            elif getattr(stored, name) != value:
                return False
        return not self.resource.saved_even_if_unchanged(stored)

    def validate(self, instance, stored, errors):
        """``full_clean``'s checks, without its queries; the errors by field name."""
        exclude = set(errors) | self.not_imported
        exclude |= {
            name
            for name, attname in self.relations.items()
            if getattr(instance, attname) is not None
        }
        try:
            instance.clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        try:
            instance.clean_against(stored, self.calendar)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        try:
            check_constraints(
                instance, exclude={name for name in errors if name != NON_FIELD_ERRORS}
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        return errors

    def report(self, number, error):
        for attribute, messages in error.message_dict.items():
            column = self.resource.column_of(attribute)
            self.outcome.errors.extend((number, column, message) for message in messages)

    # --- writing -------------------------------------------------------------------------

    def write(self):
        created = [p.instance for p in self.written if p.new]
        changed = [p for p in self.written if not p.new]
        try:
            with transaction.atomic():
                # The frozen periods were checked row by row above: the plain bulk_create.
                self.model._base_manager.bulk_create(created)
                self.update(changed)
                if self.outcome.errors:
                    transaction.set_rollback(True)
                    return
                kept_facts.refresh_units(
                    {unit for p in self.written for unit in p.instance.fact_units()}
                )
                by = audit.author()
                for start in range(0, len(self.written), WRITE_BATCH):
                    entries = [
                        audit.entry(
                            action,
                            p.instance,
                            changes,
                            enterprise=p.instance.audit_enterprise(),
                            by=by,
                        )
                        for p in self.written[start : start + WRITE_BATCH]
                        for action, changes in p.events
                    ]
                    audit.write_entries(entries)
        except IntegrityError:
            # Another writer added or removed a record between our reading and our writing.
            logger.warning("An import met a concurrent change while writing", exc_info=True)
            # The database's own message names constraints, not rows: say what happened.
            message = gettext(
                "Someone else saved records of this kind while the file was being imported, "
                "so nothing was written. Import the file again."
            )
            self.outcome.errors.append((1, "—", message))

    def update(self, changed):
        """Save the changed records, each refused if someone changed it since it was read."""
        if not changed:
            return
        manager = self.model._base_manager
        for start in range(0, len(changed), CHUNK_ROWS):
            batch = changed[start : start + CHUNK_ROWS]
            versions = dict(
                manager.select_for_update()
                .filter(pk__in=[pending.instance.pk for pending in batch])
                .values_list("pk", "version")
            )
            self.outcome.errors += [
                (pending.row, "—", str(StaleRecordError()))
                for pending in batch
                if versions.get(pending.instance.pk) != pending.stored_version
            ]
        meta = self.model._meta
        stamps = [field for field in meta.concrete_fields if getattr(field, "auto_now", False)]
        names = {"version", *(field.name for field in stamps)}
        for pending in changed:
            for _, changes in pending.events:
                names.update(changes)
            for field in stamps:
                field.pre_save(pending.instance, add=False)
        update_rows(
            [pending.instance for pending in changed], [meta.get_field(n) for n in sorted(names)]
        )


def update_rows(instances, fields):
    """Write ``fields`` of stored ``instances`` (all of one model) with one ``executemany``.

    ``bulk_update`` builds a CASE expression for every instance and field, which takes far
    longer than the writing itself; each value is prepared by its field, as ``save()`` does.
    """
    model = type(instances[0])
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    key = model._meta.pk
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    rows = [
        [field.get_db_prep_save(getattr(instance, field.attname), connection) for field in fields]
        + [key.get_db_prep_value(instance.pk, connection)]
        for instance in instances
    ]
    # The table and column names are the model's own, not anyone's input.
    table, where = quote(model._meta.db_table), f"{quote(key.column)} = %s"
    statement = f"UPDATE {table} SET {assignments} WHERE {where}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(statement, rows)

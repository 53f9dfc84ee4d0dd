"""Shared builders: a small province, units with records, and periods."""

import datetime
import itertools

import pytest

from workplace.models import (
    Area,
    CollectiveAgreement,
    Dialogue,
    Enterprise,
    HeadcountDeclaration,
    InspectionBoard,
    OfficialsConference,
    Regulation,
    ReportingPeriod,
    UnionBody,
    WorkerConference,
)

day = datetime.date.fromisoformat


@pytest.fixture(autouse=True)
def cache_of_this_process(settings):
    """Each test process keeps its cache to itself, unless the suite runs against Redis.

    The site's default cache is a folder shared by every process of the machine; a test must
    not see pages another test run (or a running server) stored there.
    """
    if "FileBasedCache" in settings.CACHES["default"]["BACKEND"]:
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Production hashing is slow on purpose; tests only need passwords to round-trip.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def province(db):
    """A province with one district holding a commune, a second district, and two bodies."""
    root = Area.objects.create(code="20", name="Tỉnh Lạng Sơn", kind="province")
    district = Area.objects.create(code="186", name="Huyện Hữu Lũng", kind="district", parent=root)
    commune = Area.objects.create(
        code="06250", name="Thị trấn Hữu Lũng", kind="commune", parent=district
    )
    other = Area.objects.create(code="178", name="Thành phố Lạng Sơn", kind="district", parent=root)
    federation = UnionBody.objects.create(code="LDLD-LS", name="LĐLĐ tỉnh Lạng Sơn")
    body = UnionBody.objects.create(code="LDLD-186", name="LĐLĐ huyện Hữu Lũng", parent=federation)
    return {
        "root": root,
        "district": district,
        "commune": commune,
        "other": other,
        "federation": federation,
        "body": body,
    }


@pytest.fixture
def period(db):
    return ReportingPeriod.objects.create(
        slug="2023-h1", name="6 tháng đầu năm 2023", start=day("2023-01-01"), end=day("2023-06-30")
    )


_tax_codes = (f"49{n:08d}" for n in itertools.count(1))


@pytest.fixture
def make_unit(province):
    """An enterprise, verified, with a headcount declaration unless told otherwise."""

    def make(
        members=25,
        workers=None,
        operating=True,
        as_of="2023-06-30",
        established="2015-01-01",
        dissolved=None,
        area=None,
        body=None,
        sector="non_state",
        registration="verified",
    ):
        unit = Enterprise.objects.create(
            tax_code=next(_tax_codes),
            name=f"Công ty thử nghiệm {members}",
            sector=sector,
            area=area or province["district"],
            union_body=body or province["body"],
            union_established_on=day(established),
            dissolved_on=day(dissolved) if dissolved else None,
            registration=registration,
        )
        if as_of:
            declare(unit, as_of, members, workers, operating)
        return unit

    return make


def declare(unit, as_of, members, workers=None, operating=True):
    return HeadcountDeclaration.objects.create(
        enterprise=unit,
        as_of=day(as_of),
        union_members=members,
        workers=workers if workers is not None else members + 5,
        operating=operating,
    )


def hold_conference(unit, held_on, form="full"):
    return WorkerConference.objects.create(enterprise=unit, held_on=day(held_on), form=form)


def sign_agreement(unit, effective_from, expires_on, signed_on=None, submitted_on=None):
    return CollectiveAgreement.objects.create(
        enterprise=unit,
        signed_on=day(signed_on or effective_from),
        effective_from=day(effective_from),
        expires_on=day(expires_on),
        votes_for=30,
        workers_consulted=40,
        submitted_on=day(submitted_on) if submitted_on else None,
    )


def hold_dialogue(unit, held_on, kind="periodic"):
    return Dialogue.objects.create(enterprise=unit, held_on=day(held_on), kind=kind)


def issue_regulation(unit, issued_on):
    return Regulation.objects.create(enterprise=unit, issued_on=day(issued_on))


def hold_officials_conference(unit, held_on):
    return OfficialsConference.objects.create(enterprise=unit, held_on=day(held_on))


def elect_board(unit, elected_on, term_ends_on, members=5):
    return InspectionBoard.objects.create(
        enterprise=unit,
        elected_on=day(elected_on),
        term_ends_on=day(term_ends_on),
        members=members,
    )


@pytest.fixture
def make_user(db):
    """An active account with a usable password ('pass-1234-word')."""
    from workplace.models import User

    def make(username, role="officer", units=(), union_body=None, **extra):
        user = User.objects.create_user(
            username=username,
            email=f"{username}@example.org",
            password="pass-1234-word",
            role=role,
            union_body=union_body,
            **extra,
        )
        user.units.set(units)
        return user

    return make


@pytest.fixture
def scope(province, make_unit, make_user):
    """Two units under sibling district bodies, and one account of each kind.

    unit_a is under LDLD-186 (Hữu Lũng), unit_b under LDLD-178 (the city); officer_a holds
    unit_a only, officer_b unit_b only; reviewer_a reviews LDLD-186; staff is federation.
    """
    city_body = UnionBody.objects.create(
        code="LDLD-178", name="LĐLĐ thành phố Lạng Sơn", parent=province["federation"]
    )
    unit_a = make_unit(area=province["district"], body=province["body"])
    unit_b = make_unit(area=province["other"], body=city_body)
    return {
        "unit_a": unit_a,
        "unit_b": unit_b,
        "city_body": city_body,
        "officer_a": make_user("officer_a", units=[unit_a]),
        "officer_b": make_user("officer_b", units=[unit_b]),
        "reviewer_a": make_user("reviewer_a", role="reviewer", union_body=province["body"]),
        "staff": make_user("staff", role="federation"),
    }

"""Accounts: signing in and out, password resets, invitations, the officers import and the
Wagtail admin's account forms.

Nothing may tell a visitor whether an account exists; a new account's owner chooses their own
password through an e-mailed link, sent only once the import or the admin form has committed.
"""

import io
import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from workplace.invitations import invitation_link, invitations_suppressed, send_invitation
from workplace.models import User
from workplace.spreadsheets import export_cells, import_rows

PASSWORD = "pass-1234-word"
NEW_PASSWORD = "Lang-Son-2023-moi"
OFFICERS_HEADER = ["username", "email", "full_name", "role", "tax_codes", "union_body_code"]


@pytest.fixture(autouse=True)
def english():
    """Messages in English, so assertions on their words do not depend on translations."""
    with translation.override("en"):
        yield


@pytest.fixture
def site_url(settings):
    settings.WAGTAILADMIN_BASE_URL = "https://dancho.example.vn/"
    return "https://dancho.example.vn"


@pytest.fixture
def invited(make_user):
    """An account created without a password, waiting for its owner to choose one."""
    user = make_user("invited", full_name="Nguyễn Thị Lan")
    user.set_unusable_password()
    user.save()
    return user


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run what waits for the commit, as a real commit would (tests never commit)."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


def link_in(message):
    return re.search(r"https?://\S+", message.body).group(0)


def path_of(url, site="https://dancho.example.vn"):
    assert url.startswith(site + "/"), url
    return url[len(site) :]


def logged_in(client):
    return SESSION_KEY in client.session


def log_in(client, username, password):
    return client.post(reverse("portal:login"), {"username": username, "password": password})


def officer_rows(*rows):
    return [OFFICERS_HEADER, *rows]


# --- logging in and out -----------------------------------------------------------------


def test_login_with_the_right_password_signs_in_and_goes_home(client, make_user):
    make_user("canbo")
    response = log_in(client, "canbo", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("portal:home")
    assert logged_in(client)


def test_login_keeps_the_page_asked_for(client, make_user):
    make_user("canbo")
    response = client.post(
        reverse("portal:login"),
        {"username": "canbo", "password": PASSWORD, "next": "/portal/review/"},
    )
    assert response.url == "/portal/review/"


def test_login_page_renders_with_a_reset_link(client):
    response = client.get(reverse("portal:login"))
    assert response.status_code == 200
    assert reverse("portal:password_reset") in response.content.decode()


def test_a_wrong_password_and_an_unknown_username_get_the_same_generic_error(client, make_user):
    make_user("canbo")
    wrong_password = log_in(client, "canbo", "not-the-password")
    unknown_user = log_in(client, "nobody-here", "not-the-password")

    assert wrong_password.status_code == unknown_user.status_code == 200
    assert not logged_in(client)
    errors = wrong_password.context["form"].non_field_errors()
    assert errors == unknown_user.context["form"].non_field_errors()
    assert len(errors) == 1
    assert errors[0] in wrong_password.content.decode()
    assert "canbo" not in errors[0]


def test_an_inactive_account_cannot_log_in(client, make_user):
    make_user("canbo", is_active=False)
    response = log_in(client, "canbo", PASSWORD)
    assert response.status_code == 200
    assert not logged_in(client)


def test_logout_needs_a_post(client, make_user):
    client.force_login(make_user("canbo"))

    assert client.get(reverse("portal:logout")).status_code == 405
    assert logged_in(client)

    response = client.post(reverse("portal:logout"))
    assert response.status_code == 302
    assert response.url == reverse("portal:login")
    assert not logged_in(client)


# --- password reset ---------------------------------------------------------------------


def test_reset_for_a_known_and_an_unknown_address_look_the_same_and_only_one_mails(
    client, make_user, mailoutbox, site_url
):
    make_user("canbo")
    known = client.post(reverse("portal:password_reset"), {"email": "canbo@example.org"})
    assert len(mailoutbox) == 1
    unknown = client.post(reverse("portal:password_reset"), {"email": "ghost@example.org"})

    assert len(mailoutbox) == 1
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url == reverse("portal:password_reset_done")
    assert mailoutbox[0].to == ["canbo@example.org"]
    assert "canbo" in mailoutbox[0].body
    assert link_in(mailoutbox[0]).startswith(site_url + "/portal/password-reset/")


def test_reset_done_page_says_nothing_about_the_account(client):
    response = client.get(reverse("portal:password_reset_done"))
    assert response.status_code == 200


def test_reset_link_sets_a_new_password_once(client, make_user, mailoutbox, site_url):
    make_user("canbo")
    client.post(reverse("portal:password_reset"), {"email": "CANBO@example.org"})
    link = path_of(link_in(mailoutbox[0]))

    form_page = client.get(link)
    assert form_page.status_code == 302
    response = client.post(
        form_page.url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("portal:password_reset_complete")
    assert client.get(response.url).status_code == 200

    assert log_in(client, "canbo", NEW_PASSWORD).status_code == 302
    client.logout()
    again = client.get(link)
    assert again.status_code == 200
    assert again.context["validlink"] is False


def test_an_invited_account_that_lost_its_e_mail_can_ask_for_a_reset_link(
    client, invited, mailoutbox
):
    client.post(reverse("portal:password_reset"), {"email": invited.email})
    assert [m.to for m in mailoutbox] == [[invited.email]]


def test_an_inactive_account_gets_no_reset_link(client, make_user, mailoutbox):
    make_user("canbo", is_active=False)
    response = client.post(reverse("portal:password_reset"), {"email": "canbo@example.org"})
    assert response.url == reverse("portal:password_reset_done")
    assert mailoutbox == []


# --- invitations ------------------------------------------------------------------------


def test_invitation_e_mail_has_an_absolute_link_and_the_username(invited, mailoutbox, site_url):
    assert send_invitation(invited) is True
    (message,) = mailoutbox
    assert message.to == [invited.email]
    assert "\n" not in message.subject and message.subject
    assert "invited" in message.body
    assert "Nguyễn Thị Lan" in message.body
    assert link_in(message).startswith(site_url + "/portal/invitation/")


def test_no_invitation_without_an_e_mail_address(invited, mailoutbox):
    invited.email = ""
    assert send_invitation(invited) is False
    assert mailoutbox == []


def test_invitation_lets_an_account_without_password_choose_one_and_log_in(
    client, invited, site_url
):
    assert not invited.has_usable_password()
    link = path_of(invitation_link(invited))

    redirect = client.get(link)
    assert redirect.status_code == 302
    form_page = client.get(redirect.url)
    assert form_page.status_code == 200
    assert form_page.context["validlink"] is True
    assert "invited" in form_page.content.decode()

    response = client.post(
        redirect.url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("portal:login")
    invited.refresh_from_db()
    assert invited.has_usable_password()

    assert log_in(client, "invited", NEW_PASSWORD).status_code == 302
    assert logged_in(client)


def test_a_used_invitation_link_is_refused(client, invited, site_url):
    link = path_of(invitation_link(invited))
    set_password_url = client.get(link).url
    client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    again = client.get(link)
    assert again.status_code == 200
    assert again.context["validlink"] is False
    assert again.context["form"] is None
    response = client.post(
        set_password_url, {"new_password1": "Other-pass-9876", "new_password2": "Other-pass-9876"}
    )
    assert response.context["validlink"] is False
    invited.refresh_from_db()
    assert invited.check_password(NEW_PASSWORD)


@pytest.mark.parametrize(
    "uidb64, token",
    [("MQ", "bad-token"), ("not-base64", "abc-123"), ("OTk5OTk5", "abc-123")],
)
def test_an_invalid_invitation_link_is_refused(client, invited, uidb64, token):
    response = client.get(reverse("portal:invitation", args=[uidb64, token]))
    assert response.status_code == 200
    assert response.context["validlink"] is False
    assert reverse("portal:password_reset") in response.content.decode()


def test_a_weak_password_is_refused_on_the_invitation_page(client, invited, site_url):
    set_password_url = client.get(path_of(invitation_link(invited))).url
    response = client.post(set_password_url, {"new_password1": "123", "new_password2": "123"})
    assert response.status_code == 200
    assert response.context["form"].errors
    invited.refresh_from_db()
    assert not invited.has_usable_password()


# --- the officers import ----------------------------------------------------------------


def sample_rows(scope):
    unit_a, unit_b = scope["unit_a"].tax_code, scope["unit_b"].tax_code
    return officer_rows(
        ["canbo.a", "canbo.a@example.org", "Hoàng Văn An", "officer", f"{unit_b}; {unit_a}", ""],
        ["kiemtra.tp", "kiemtra.tp@example.org", "Lê Thị Bình", "reviewer", "", "LDLD-178"],
        ["canbo.b", "canbo.b@example.org", "Phạm Văn Cường", "officer", "", ""],
    )


def test_import_creates_accounts_with_units_and_body_and_invites_each_once(
    scope, run_on_commit, mailoutbox, site_url
):
    outcome = run_on_commit(import_rows, "officers", sample_rows(scope))

    assert outcome.errors == []
    assert (outcome.new, outcome.updated, outcome.unchanged) == (3, 0, 0)
    officer = User.objects.get(username="canbo.a")
    assert set(officer.units.all()) == {scope["unit_a"], scope["unit_b"]}
    assert (officer.role, officer.full_name) == ("officer", "Hoàng Văn An")
    reviewer = User.objects.get(username="kiemtra.tp")
    assert (reviewer.role, reviewer.union_body) == ("reviewer", scope["city_body"])
    assert reviewer.is_reviewer
    assert User.objects.get(username="canbo.b").role == "officer"
    for user in User.objects.filter(username__in=["canbo.a", "kiemtra.tp", "canbo.b"]):
        assert not user.has_usable_password()
        assert not (user.is_staff or user.is_superuser)
        assert user.is_active

    assert sorted(m.to[0] for m in mailoutbox) == [
        "canbo.a@example.org",
        "canbo.b@example.org",
        "kiemtra.tp@example.org",
    ]
    assert all(link_in(m).startswith(site_url + "/portal/invitation/") for m in mailoutbox)


def test_the_invitation_sent_after_an_import_works(
    client, scope, run_on_commit, mailoutbox, site_url
):
    run_on_commit(import_rows, "officers", sample_rows(scope))
    message = next(m for m in mailoutbox if m.to == ["canbo.a@example.org"])
    set_password_url = client.get(path_of(link_in(message))).url
    client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert log_in(client, "canbo.a", NEW_PASSWORD).status_code == 302


def test_reimporting_the_same_file_changes_nothing_and_sends_nothing(
    scope, run_on_commit, mailoutbox
):
    run_on_commit(import_rows, "officers", sample_rows(scope))
    mailoutbox.clear()

    outcome = run_on_commit(import_rows, "officers", sample_rows(scope))
    assert outcome.errors == []
    assert (outcome.new, outcome.updated, outcome.unchanged) == (0, 0, 3)
    assert mailoutbox == []


def test_an_existing_account_is_updated_without_an_invitation(scope, run_on_commit, mailoutbox):
    unit_a, unit_b = scope["unit_a"], scope["unit_b"]
    both = f"{unit_a.tax_code};{unit_b.tax_code}"
    rows = officer_rows(["officer_a", "officer_a@example.org", "", "officer", both])
    outcome = run_on_commit(import_rows, "officers", rows)

    assert (outcome.new, outcome.updated) == (0, 1)
    officer = scope["officer_a"]
    assert set(officer.units.all()) == {unit_a, unit_b}
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)
    assert mailoutbox == []


def test_a_changed_set_of_units_alone_is_an_update(scope, run_on_commit):
    unit_a = scope["unit_a"].tax_code
    rows = officer_rows(["officer_a", "officer_a@example.org", "", "officer", unit_a, ""])
    assert run_on_commit(import_rows, "officers", rows).unchanged == 1

    rows[1][4] = ""
    outcome = run_on_commit(import_rows, "officers", rows)
    assert (outcome.updated, outcome.unchanged) == (1, 0)
    assert not scope["officer_a"].units.exists()


def test_a_dry_run_creates_nothing_and_sends_nothing(scope, run_on_commit, mailoutbox):
    outcome = run_on_commit(import_rows, "officers", sample_rows(scope), dry_run=True)
    assert (outcome.errors, outcome.new) == ([], 3)
    assert not User.objects.filter(username="canbo.a").exists()
    assert mailoutbox == []


def test_one_bad_row_creates_no_account_and_sends_nothing(scope, run_on_commit, mailoutbox):
    rows = sample_rows(scope)
    rows.append(["broken", "broken@example.org", "", "reviewer", "", ""])
    outcome = run_on_commit(import_rows, "officers", rows)

    assert {(e.row, e.column) for e in outcome.errors} == {(5, "union_body_code")}
    assert not User.objects.filter(username__in=["canbo.a", "kiemtra.tp", "broken"]).exists()
    assert mailoutbox == []


def test_an_unknown_tax_code_is_an_error_of_its_row_in_column_tax_codes(
    scope, run_on_commit, mailoutbox
):
    unknown = f"{scope['unit_b'].tax_code};4999999999"
    rows = officer_rows(
        ["canbo.a", "canbo.a@example.org", "", "officer", scope["unit_a"].tax_code, ""],
        ["canbo.b", "canbo.b@example.org", "", "officer", unknown, ""],
    )
    outcome = run_on_commit(import_rows, "officers", rows)

    assert [(e.row, e.column) for e in outcome.errors] == [(3, "tax_codes")]
    assert "4999999999" in outcome.errors[0].message
    assert not User.objects.filter(username__startswith="canbo.").exists()
    assert mailoutbox == []


@pytest.mark.parametrize(
    "row, column",
    [
        (["x.y", "x.y@example.org", "", "chairman", "", ""], "role"),
        (["x.y", "not-an-address", "", "officer", "", ""], "email"),
        (["x.y", "", "", "officer", "", ""], "email"),
        (["x.y", "x.y@example.org", "", "reviewer", "", "NO-SUCH-BODY"], "union_body_code"),
        (["bad name!", "x.y@example.org", "", "officer", "", ""], "username"),
        (["", "x.y@example.org", "", "officer", "", ""], "username"),
    ],
)
def test_a_bad_cell_is_named_by_its_row_and_column(scope, row, column, run_on_commit, mailoutbox):
    outcome = run_on_commit(import_rows, "officers", officer_rows(row))
    assert column in {e.column for e in outcome.errors}
    assert {e.row for e in outcome.errors} == {2}
    assert mailoutbox == []


def test_an_administrator_account_is_not_changed_by_import(scope, make_user, run_on_commit):
    admin = make_user("quantri", is_superuser=True, is_staff=True)
    rows = officer_rows(["quantri", "attacker@example.org", "", "officer", "", ""])
    outcome = run_on_commit(import_rows, "officers", rows)

    assert [(e.row, e.column) for e in outcome.errors] == [(2, "username")]
    admin.refresh_from_db()
    assert (admin.email, admin.is_superuser) == ("quantri@example.org", True)


def test_export_writes_officers_and_reviewers_only(scope, make_user):
    make_user("quantri", is_superuser=True)
    scope["officer_a"].units.add(scope["unit_b"])
    header, *rows = list(export_cells("officers"))

    assert header == OFFICERS_HEADER
    assert [row[0] for row in rows] == [
        "officer_a",
        "officer_b",
        "reviewer_a",
    ]
    by_name = {row[0]: row for row in rows}
    assert by_name["officer_a"][4] == ";".join(
        sorted([scope["unit_a"].tax_code, scope["unit_b"].tax_code])
    )
    assert by_name["reviewer_a"][3:] == ["reviewer", "", "LDLD-186"]


def test_export_then_import_changes_nothing_and_sends_nothing(scope, run_on_commit, mailoutbox):
    scope["officer_a"].units.add(scope["unit_b"])
    before = list(User.objects.order_by("pk").values())
    units_before = {u.username: set(u.units.all()) for u in User.objects.all()}

    outcome = run_on_commit(import_rows, "officers", list(export_cells("officers")))

    assert outcome.errors == []
    assert (outcome.new, outcome.updated, outcome.unchanged) == (0, 0, 3)
    assert list(User.objects.order_by("pk").values()) == before
    assert {u.username: set(u.units.all()) for u in User.objects.all()} == units_before
    assert mailoutbox == []


def test_no_invitations_while_they_are_suppressed(scope, run_on_commit, mailoutbox):
    with invitations_suppressed():
        outcome = run_on_commit(import_rows, "officers", sample_rows(scope))
    assert outcome.new == 3
    assert mailoutbox == []


def test_load_demo_sends_no_invitation_and_sets_the_demo_password_once(
    db, client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=io.StringIO())
    assert mailoutbox == []

    demo = User.objects.get(username="congdoan.vinhphat")
    assert demo.role == "officer" and demo.units.count() == 2
    assert User.objects.get(username="kiemtra.huulung").union_body.code == "LDLD-186"
    assert log_in(client, "lanhdao.ldld", "demo-2023").status_code == 302

    demo.set_password(NEW_PASSWORD)
    demo.save()
    call_command("load_demo", stdout=io.StringIO())
    demo.refresh_from_db()
    assert demo.check_password(NEW_PASSWORD)


# --- the Wagtail admin ------------------------------------------------------------------


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user("quantri", is_superuser=True))
    return client


def account_form(scope, **changes):
    data = {
        "username": "kiemtra.huulung",
        "email": "kiemtra.huulung@example.org",
        "full_name": "Nông Văn Thắng",
        "role": "reviewer",
        "union_body": scope["unit_a"].union_body_id,
        "units": [scope["unit_a"].pk],
        "password1": "",
        "password2": "",
    }
    data.update(changes)
    return data


def test_admin_lists_accounts(admin_client, scope):
    page = admin_client.get(reverse("wagtailusers_users:index"))
    assert page.status_code == 200
    assert "officer_a" in page.content.decode()


def test_admin_add_form_shows_the_account_fields(admin_client):
    page = admin_client.get(reverse("wagtailusers_users:add")).content.decode()
    for name in ("username", "email", "full_name", "role", "union_body", "units", "password1"):
        assert f'name="{name}"' in page
    assert 'name="first_name"' not in page


def test_admin_creates_an_account_without_password_and_invites_its_owner(
    admin_client, scope, mailoutbox, django_capture_on_commit_callbacks, site_url
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("wagtailusers_users:add"), account_form(scope))

    assert response.status_code == 302
    user = User.objects.get(username="kiemtra.huulung")
    assert (user.role, user.full_name, user.union_body) == (
        "reviewer",
        "Nông Văn Thắng",
        scope["unit_a"].union_body,
    )
    assert list(user.units.all()) == [scope["unit_a"]]
    assert not user.has_usable_password()
    assert not user.is_superuser
    (message,) = mailoutbox
    assert message.to == ["kiemtra.huulung@example.org"]
    assert link_in(message).startswith(site_url + "/portal/invitation/")


def test_admin_account_created_with_a_password_gets_no_invitation(
    admin_client, scope, mailoutbox, django_capture_on_commit_callbacks, client
):
    data = account_form(scope, password1=NEW_PASSWORD, password2=NEW_PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("wagtailusers_users:add"), data)
    assert response.status_code == 302
    assert User.objects.get(username="kiemtra.huulung").check_password(NEW_PASSWORD)
    assert mailoutbox == []


def test_admin_refuses_a_reviewer_without_a_union_body(admin_client, scope, mailoutbox):
    response = admin_client.post(
        reverse("wagtailusers_users:add"), account_form(scope, union_body="")
    )
    assert response.status_code == 200
    assert "union_body" in response.context["form"].errors
    assert not User.objects.filter(username="kiemtra.huulung").exists()
    assert mailoutbox == []


def test_admin_edits_role_body_and_units(admin_client, scope, mailoutbox):
    officer = scope["officer_a"]
    url = reverse("wagtailusers_users:edit", args=[officer.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="full_name"' in page and 'name="units"' in page

    response = admin_client.post(
        url,
        {
            "username": "officer_a",
            "email": "officer_a@example.org",
            "full_name": "Trần Văn Đức",
            "role": "officer",
            "union_body": "",
            "units": [scope["unit_a"].pk, scope["unit_b"].pk],
            "password1": "",
            "password2": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.full_name == "Trần Văn Đức"
    assert set(officer.units.all()) == {scope["unit_a"], scope["unit_b"]}
    assert officer.check_password(PASSWORD)
    assert mailoutbox == []

"""The one scoping rule, Enterprise.objects.visible_to(user)."""

from django.contrib.auth.models import AnonymousUser

from workplace.models import Enterprise, HeadcountDeclaration


def visible(user):
    return set(Enterprise.objects.visible_to(user).values_list("tax_code", flat=True))


def test_officer_sees_only_assigned_units(scope):
    assert visible(scope["officer_a"]) == {scope["unit_a"].tax_code}


def test_reviewer_sees_their_body_subtree_only(scope):
    assert visible(scope["reviewer_a"]) == {scope["unit_a"].tax_code}


def test_reviewer_of_the_provincial_federation_sees_every_sub_body(scope, make_user, province):
    top = make_user("top", role="reviewer", union_body=province["federation"])
    assert visible(top) == {scope["unit_a"].tax_code, scope["unit_b"].tax_code}


def test_federation_staff_see_all(scope):
    assert visible(scope["staff"]) == {scope["unit_a"].tax_code, scope["unit_b"].tax_code}


def test_anonymous_and_inactive_accounts_see_nothing(scope):
    assert visible(AnonymousUser()) == set()
    scope["staff"].is_active = False
    assert visible(scope["staff"]) == set()


def test_reviewer_without_a_body_sees_only_units_assigned_to_them(scope, make_user):
    lost = make_user("lost", role="reviewer")
    assert visible(lost) == set()


def test_records_follow_their_unit(scope):
    rows = HeadcountDeclaration.objects.visible_to(scope["officer_b"])
    assert {r.enterprise_id for r in rows} == {scope["unit_b"].pk}

"""Federation staff can change their own language and password in the admin's account page."""

from django.urls import reverse

from workplace.models import User


def test_the_account_page_saves_a_language_without_first_and_last_names(client, scope):
    staff = scope["staff"]
    client.force_login(staff)
    page = client.get(reverse("wagtailadmin_account"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="vi"' in html and 'value="en"' in html
    assert 'value="fr"' not in html  # only the site's two languages are offered

    response = client.post(
        reverse("wagtailadmin_account"),
        {
            "name_email-first_name": "",
            "name_email-last_name": "",
            "name_email-email": staff.email,
            "locale-preferred_language": "en",
            "locale-current_time_zone": "",
            "theme-theme": "system",
            "theme-density": "default",
            "theme-contrast": "system",
            "theme-keyboard_shortcuts": "on",
        },
    )

    assert response.status_code == 302, response.context and [
        (panel.name, panel.get_form().errors) for panel in response.context["panels"]
    ]
    assert User.objects.get(pk=staff.pk).wagtail_userprofile.preferred_language == "en"

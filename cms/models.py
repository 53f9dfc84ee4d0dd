"""Public pages. The home page is minimal for now; results and articles come later."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    max_count = 1

    class Meta:
        verbose_name = _("home page")


def ensure_home_page(title, intro=""):
    """Make a HomePage the root of the default site, replacing Wagtail's welcome page."""
    from wagtail.models import Site

    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = HomePage(title=title, slug="home-udt", intro=intro)
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
    elif site.root_page_id != home.pk:
        welcome = site.root_page
        site.root_page = home
        site.save()
        if welcome.specific_class is Page and not welcome.get_children().exists():
            welcome.delete()
    return home

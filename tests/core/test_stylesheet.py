"""Pages load one stylesheet, built by `make css` from the Bootstrap rules the site uses and
site.css; these say when it must be built again."""

import re
from pathlib import Path

import bootstrap
import crispy_bootstrap5
import pytest
from django.test import Client
from django.test.signals import template_rendered

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "static" / "css" / "site.bundle.css"
FULL_BOOTSTRAP = Path(bootstrap.__file__).parent / "static/bootstrap/css/bootstrap.min.css"
CRISPY_TEMPLATES = Path(crispy_bootstrap5.__file__).parent / "templates" / "bootstrap5"
REBUILD = "static/css/site.bundle.css is out of date: run `make css` and commit it"


def classes_in(paths) -> set[str]:
    found = set()
    for path in paths:
        for attribute in re.findall(r'class="([^"{]*)', path.read_text()):
            found.update(attribute.split())
    return found


def styled_by(css: str, name: str) -> bool:
    return re.search(rf"\.{re.escape(name)}(?![\w-])", css) is not None


def test_the_bundle_ends_with_site_css_as_it_is_now():
    assert BUNDLE.read_text().endswith((ROOT / "static/css/site.css").read_text()), REBUILD


def crispy_templates_in_the_makefile() -> set[str]:
    """The crispy_bootstrap5 templates `make css` reads (CRISPY_USED), e.g. "layout/div"."""
    makefile = (ROOT / "Makefile").read_text().replace("\\\n", " ")
    return set(re.search(r"^CRISPY_USED := (.*)$", makefile, re.MULTILINE).group(1).split())


def test_every_bootstrap_class_a_template_uses_is_in_the_bundle():
    templates = [
        *(ROOT / "templates").rglob("*.html"),
        *(CRISPY_TEMPLATES / f"{name}.html" for name in crispy_templates_in_the_makefile()),
    ]
    full, bundle = FULL_BOOTSTRAP.read_text(), BUNDLE.read_text()

    missing = {
        name
        for name in classes_in(templates)
        if styled_by(full, name) and not styled_by(bundle, name)
    }

    assert not missing, f"{REBUILD} (missing: {sorted(missing)})"


def test_the_bundle_keeps_bootstraps_licence():
    assert "Licensed under MIT" in BUNDLE.read_text()[:400]


def test_the_base_layout_loads_one_stylesheet_only():
    base = (ROOT / "templates/base.html").read_text()

    assert re.findall(r'rel="stylesheet" href="([^"]+)"', base) == [
        "{% static 'css/site.bundle.css' %}"
    ]


@pytest.mark.django_db
def test_the_crispy_templates_make_css_reads_are_those_the_forms_render(settings):
    # Shown blank and again with mistakes, each form renders every template it ever needs.
    from tests.infosessions.factories import InfoSessionFactory
    from tests.infosessions.test_pages import registration_form

    settings.PAGE_CACHE_SECONDS = 0
    session_page = InfoSessionFactory().get_absolute_url()
    rendered = set()

    def note(sender, template, **kwargs):
        rendered.add(Path(template.origin.name))

    template_rendered.connect(note)
    try:
        client = Client()
        client.get("/get-help/")
        client.post("/get-help/", {"first_name": "", "phone": "not a phone"})
        client.get(session_page)
        client.post(session_page, registration_form(first_name="", email="not an address"))
    finally:
        template_rendered.disconnect(note)

    crispy = {
        path.relative_to(CRISPY_TEMPLATES).with_suffix("").as_posix()
        for path in rendered
        if path.is_relative_to(CRISPY_TEMPLATES)
    }
    assert crispy == crispy_templates_in_the_makefile(), "update CRISPY_USED, then `make css`"


def test_the_bundle_keeps_no_bootstrap_rule_the_site_never_names():
    # The accordions, modals, tabs and floating labels of crispy's other templates included.
    named = set()
    for path in [
        *(ROOT / "templates").rglob("*.html"),
        *(CRISPY_TEMPLATES / f"{name}.html" for name in crispy_templates_in_the_makefile()),
        *(ROOT / "static/js").glob("*.js"),
        *ROOT.glob("*/forms.py"),
        *ROOT.glob("*/views.py"),
        *ROOT.glob("*/widgets.py"),
        *ROOT.glob("*/templatetags/*.py"),
    ]:
        named.update(re.findall(r"[\w-]+", path.read_text()))
    bundle, site_css = BUNDLE.read_text(), (ROOT / "static/css/site.css").read_text()
    bootstrap_part = re.sub(r"/\*.*?\*/", "", bundle.removesuffix(site_css), flags=re.S)

    unnamed = {
        selector.strip()
        for rule in re.findall(r"([^{}]+)\{", bootstrap_part)
        for selector in rule.split(",")
        if (classes := re.findall(r"\.(-?[_a-zA-Z][\w-]*)", selector))
        and not any(name in named for name in classes)
    }

    assert not unnamed, f"{REBUILD} (unused: {sorted(unnamed)[:20]})"

"""Pages load one stylesheet, built by `make css` from the Bootstrap rules the site uses and
site.css; these say when it must be built again."""

import re
from pathlib import Path

import bootstrap
import crispy_bootstrap5

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "static" / "css" / "site.bundle.css"
FULL_BOOTSTRAP = Path(bootstrap.__file__).parent / "static/bootstrap/css/bootstrap.min.css"
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


def test_every_bootstrap_class_a_template_uses_is_in_the_bundle():
    templates = [
        *(ROOT / "templates").rglob("*.html"),
        *(Path(crispy_bootstrap5.__file__).parent / "templates").rglob("*.html"),
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

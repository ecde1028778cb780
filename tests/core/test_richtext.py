from core.richtext import render_markdown


def test_markdown_becomes_html():
    html = render_markdown("Some **bold** text and a [link](https://example.org).")

    assert html == (
        '<p>Some <strong>bold</strong> text and a <a href="https://example.org" '
        'rel="noopener noreferrer">link</a>.</p>'
    )


def test_a_top_level_heading_is_demoted_so_the_page_keeps_one_h1():
    html = render_markdown("# What to bring\n\n## Your insurance card\n\n### Its back")

    assert '<h2 id="what-to-bring">What to bring</h2>' in html
    assert '<h2 id="your-insurance-card">Your insurance card</h2>' in html
    assert '<h3 id="its-back">Its back</h3>' in html
    assert "<h1" not in html


def test_scripts_and_event_handlers_are_removed():
    html = render_markdown('<script>alert(1)</script>\n\n<p onclick="steal()">Hello</p>')

    assert "<script" not in html
    assert "onclick" not in html
    assert "Hello" in html


def test_javascript_links_are_removed():
    html = render_markdown("[click](javascript:alert(1))")

    assert "javascript:" not in html


def test_images_and_frames_from_other_hosts_are_removed():
    html = render_markdown(
        "![tracker](https://ads.example.com/pixel.gif)\n\n"
        '<iframe src="https://video.example.com/embed"></iframe>'
    )

    assert "<img" not in html
    assert "<iframe" not in html
    assert "example.com" not in html


def test_phone_and_text_links_are_kept():
    html = render_markdown("[Call 988](tel:988) or [text](sms:988)")

    assert 'href="tel:988"' in html
    assert 'href="sms:988"' in html


def test_text_shown_inside_a_section_has_its_headings_one_level_down_with_prefixed_ids():
    html = render_markdown(
        "# Costs\n\n## Plans\n\n### Rates\n\n#### Detail", top_level=3, id_prefix="pay"
    )

    assert html == (
        '<h3 id="pay-costs">Costs</h3>\n<h3 id="pay-plans">Plans</h3>\n'
        '<h4 id="pay-rates">Rates</h4>\n<h5 id="pay-detail">Detail</h5>'
    )


def test_the_allow_list_drops_script_addresses_hidden_by_tabs_newlines_or_entities():
    from core.richtext import sanitise

    html = sanitise(
        '<a href="java\tscript:alert(1)">a</a><a href="java&#9;script:alert(1)">b</a>'
        '<a href="\njavascript:alert(1)">c</a><a href="jav&#x0A;ascript:alert(1)">d</a>'
    )

    assert "href" not in html

"""On a phone the breadcrumb wraps, and no wrapped line may start with a divider ("/"): a line
that reads "/ Partial hospitalization…" looks broken."""

import itertools
import re

import pytest
from django.db.models.functions import Length

from programs.models import Program

# Every non-blank character of the breadcrumb's own text, one rectangle each.
TEXT_CHARACTERS = """() => {
    const nav = document.querySelector("nav.breadcrumbs");
    const walker = document.createTreeWalker(nav, NodeFilter.SHOW_TEXT);
    const characters = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (let i = 0; i < node.data.length; i++) {
            if (!node.data[i].trim()) continue;
            const range = document.createRange();
            range.setStart(node, i);
            range.setEnd(node, i + 1);
            for (const rect of range.getClientRects()) {
                if (rect.width && rect.height) {
                    characters.push({text: node.data[i], left: rect.left, right: rect.right,
                                     top: rect.top, bottom: rect.bottom});
                }
            }
        }
    }
    return characters;
}"""


def css_string(content: str) -> str:
    """The text of a computed `content` value such as `"\\a0/"` or `"/" / ""` (none: "")."""
    quoted = re.match(r'"((?:[^"\\]|\\.)*)"', content)
    if not quoted:
        return ""
    return re.sub(
        r"\\(?:([0-9a-fA-F]{1,6}) ?|(.))",
        lambda escape: chr(int(escape[1], 16)) if escape[1] else escape[2],
        quoted[1],
    )


def generated_content(page) -> list[dict]:
    """The breadcrumb's ::before and ::after boxes where the browser laid them out, with their
    text: the page's script cannot measure pseudo-elements, the DevTools protocol can."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]
    nav = cdp.send("DOM.querySelector", {"nodeId": root["nodeId"], "selector": "nav.breadcrumbs"})
    nav = cdp.send("DOM.describeNode", {"nodeId": nav["nodeId"], "depth": -1})["node"]

    pseudo_elements = []

    def walk(node):
        pseudo_elements.extend(
            p for p in node.get("pseudoElements", []) if p["pseudoType"] in {"before", "after"}
        )
        for child in node.get("children", []):
            walk(child)

    walk(nav)
    boxes = []
    for pseudo in pseudo_elements:
        # describeNode gives backend ids; pushing them gives ids the other commands take.
        node_id = cdp.send(
            "DOM.pushNodesByBackendIdsToFrontend", {"backendNodeIds": [pseudo["backendNodeId"]]}
        )["nodeIds"][0]
        style = cdp.send("CSS.getComputedStyleForNode", {"nodeId": node_id})["computedStyle"]
        text = css_string(next(p["value"] for p in style if p["name"] == "content")).strip()
        if not text:
            continue
        for quad in cdp.send("DOM.getContentQuads", {"nodeId": node_id})["quads"]:
            xs, ys = quad[0::2], quad[1::2]
            boxes.append(
                {"text": text, "left": min(xs), "right": max(xs), "top": min(ys), "bottom": max(ys)}
            )
    cdp.detach()
    return boxes


def lines(pieces: list[dict]) -> list[list[dict]]:
    """Group laid-out pieces into the lines they sit on, each line left to right."""
    grouped: list[list[dict]] = []
    for piece in sorted(pieces, key=lambda p: p["top"]):
        middle = (piece["top"] + piece["bottom"]) / 2
        line = grouped[-1] if grouped else None
        if line and line[0]["top"] <= middle <= line[0]["bottom"]:
            line.append(piece)
        else:
            grouped.append([piece])
    return [sorted(line, key=lambda p: p["left"]) for line in grouped]


def read(line: list[dict]) -> str:
    """A line as text, for messages: a space wherever there is a gap between pieces."""
    text = line[0]["text"]
    for before, piece in itertools.pairwise(line):
        text += (" " if piece["left"] - before["right"] > 1 else "") + piece["text"]
    return text


def longest_breadcrumb_page() -> str:
    # Home / Programs / the program's name: the longest name makes the longest breadcrumb.
    program = Program.objects.published().order_by(Length("name").desc(), "pk").first()
    return program.get_absolute_url()


@pytest.mark.parametrize("width", [375, 320])
def test_no_breadcrumb_line_starts_with_a_divider_on_a_phone(page, width):
    page.set_viewport_size({"width": width, "height": 700})
    page.goto(longest_breadcrumb_page())
    items = page.locator("nav.breadcrumbs li").count()

    pieces = page.evaluate(TEXT_CHARACTERS) + generated_content(page)
    laid_out = lines(pieces)

    readable = [read(line) for line in laid_out]
    dividers = sum(piece["text"].count("/") for piece in pieces)
    assert dividers == items - 1, f"expected a divider between each of {items} items: {readable}"
    assert len(laid_out) > 1, f"the breadcrumb should wrap at {width} px: {readable}"
    for line in laid_out:
        assert not line[0]["text"].startswith("/"), f"a line starts with a divider: {readable}"

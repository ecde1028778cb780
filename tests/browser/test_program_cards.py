"""The program cards fill their rows: on a desktop no card sits alone on a row of its own, which
reads as an afterthought; on a phone they stack in one column."""

import pytest

from programs.models import Program
from tests.programs.factories import ProgramFactory

CARD_ROWS = """() => {
    const rows = new Map();
    for (const card of document.querySelectorAll(".program-cards > li")) {
        const top = Math.round(card.getBoundingClientRect().top);
        rows.set(top, (rows.get(top) || 0) + 1);
    }
    return [...rows.entries()].sort((a, b) => a[0] - b[0]).map(([, cards]) => cards);
}"""


def publish(count: int) -> None:
    """Exactly `count` published programs: the demo's five, fewer of them, or more."""
    published = list(Program.objects.published().order_by("display_order", "pk"))
    Program.objects.filter(pk__in=[p.pk for p in published[count:]]).update(is_published=False)
    ProgramFactory.create_batch(max(0, count - len(published)))


@pytest.mark.parametrize("path", ["/", "/programs/"])
@pytest.mark.parametrize("count", range(3, 9))
@pytest.mark.parametrize("width", [1280, 1024])
def test_on_a_desktop_no_program_card_is_alone_on_a_row(page, width, count, path):
    publish(count)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(path)

    rows = page.evaluate(CARD_ROWS)

    assert sum(rows) == count
    assert 1 not in rows, f"cards per row: {rows}"


def test_the_demo_program_cards_share_their_rows_at_1280_px(page):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/")

    rows = page.evaluate(CARD_ROWS)

    assert sum(rows) == Program.objects.published().count() > 1
    assert len(rows) == 1 or 1 not in rows, f"cards per row: {rows}"


def test_at_320_px_program_cards_stack_in_one_column(page):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/")

    rows = page.evaluate(CARD_ROWS)

    assert rows == [1] * Program.objects.published().count()

"""Every table in the templates sits in a .table-responsive: a wide table scrolls inside its own container and never
makes the page scroll sideways or run over the card beside it (issue 13; the browser check is
tests/browser/test_layout_widths.py)."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).parent.parent.parent / "chanye" / "templates"


def test_every_table_scrolls_inside_its_own_container():
    bare = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text()
        for m in re.finditer(r"<table\b", text):
            before = text[: m.start()]
            opened = before.rfind("table-responsive")  # the nearest wrapper, not yet closed by an earlier table
            if opened < 0 or "</table>" in before[opened:]:
                bare.append(f"{path.relative_to(TEMPLATES)}:{text.count(chr(10), 0, m.start()) + 1}")
    assert bare == []

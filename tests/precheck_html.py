"""Reading a pre-check's answer (the enforcement, conveyance and e-note forms): the blockers
beside a field and the count on the submit button."""

import re


def blockers_of(html, field) -> str:
    """The pre-check's blockers beside `field` ("" when none)."""
    found = re.search(rf'<div id="{field}-blockers"[^>]*>(.*?)</div>', html, re.S)
    assert found, f"no blockers region for {field}"
    return found.group(1)


def count_of(html) -> int:
    """The blocker count on the submit button (0 when it shows none)."""
    found = re.search(r'data-blocker-count="(\d+)"', html)
    return int(found.group(1)) if found else 0

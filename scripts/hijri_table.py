"""Write the Umm al-Qura table into static/js/hijri-date.js from hijridate's own, so the browser
converts dates exactly as the server does (najiz.common.dates). Run after upgrading hijridate:

    .venv/bin/python scripts/hijri_table.py

tests/common/test_hijri_date.py fails while the two differ.
"""

import re
from itertools import pairwise
from pathlib import Path

from hijridate import ummalqura

SCRIPT = Path(__file__).resolve().parents[1] / "static/js/hijri-date.js"


def table_lines() -> str:
    starts = ummalqura.MONTH_STARTS
    lengths = "".join(str(b - a - 28) for a, b in pairwise(starts))
    assert set(lengths) <= set("0123")  # 28 to 31 days (the early tables have months of 28 and 31)
    return (
        f"  var FIRST_MONTH_START = {starts[0]}; // the first month's reduced Julian day (JDN − 2400000)\n"
        f'  var MONTH_LENGTHS = "{lengths}"; // 1: 30 days, 0: 29, from Muharram {ummalqura.HIJRI_RANGE[0][0]}\n'
    )


def main() -> None:
    text = SCRIPT.read_text()
    pattern = re.compile(r"  // BEGIN TABLE\n.*?  // END TABLE\n", re.S)
    SCRIPT.write_text(pattern.sub(lambda _m: f"  // BEGIN TABLE\n{table_lines()}  // END TABLE\n", text))


if __name__ == "__main__":
    main()

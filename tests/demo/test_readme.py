"""The README's walk-through names the demo's real ids, IBANs and passwords (demo/data.py)."""

import re
from pathlib import Path

from demo import data as demo

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
WALK_THROUGH = README[README.index("## Trying it"):README.index("## How the automation runs")]


def _known_numbers() -> set[str]:
    rows = [demo.PERSONS, demo.ENTITIES, demo.DEEDS, demo.INSTRUMENTS, demo.POAS, demo.STAFF]
    return {row[0] for table in rows for row in table} | {demo.HEIRS_DEED}


def test_every_number_in_the_walk_through_is_in_the_demo_data():
    numbers = set(re.findall(r"`(\d{10,12})`", WALK_THROUGH))
    assert len(numbers) > 20
    assert numbers - _known_numbers() == set()


def test_every_iban_listed_is_the_demo_account_of_whom_it_names():
    listed = re.findall(r"(\w[\w-]*) `(SA\d{22})`|and `(SA\d{22})`", WALK_THROUGH)
    ibans = {iban or also for _name, iban, also in listed}
    accounts = {demo.demo_iban(code, serial) for _holder, code, serial, _balance in demo.ACCOUNTS}
    assert len(ibans) >= 6 and ibans <= accounts
    assert f"Abdullah `{demo.demo_iban('80', 1)}`" in WALK_THROUGH


def test_the_staff_passwords_are_those_of_the_demo():
    for national_id, password in [*demo.JUDGE_PASSWORDS.items(), (demo.NOTARY, demo.NOTARY_PASSWORD)]:
        assert f"`{national_id}` / `{password}`" in WALK_THROUGH


def test_the_quick_start_is_two_commands():
    quick = README[README.index("## Quick start"):README.index("## Trying it")]
    block = quick[quick.index("```sh"):quick.index("```", quick.index("```sh") + 3)]
    assert [line.split()[0:2] for line in block.splitlines()[1:]] == [["make", "run"], ["make", "test"]]

"""The public list's row shapes (signon/public_list.py), without the database."""

import datetime

from signon.public_list import delivery_rows, export_rows, signatory_line

NOON_UTC = datetime.datetime(2026, 3, 2, 17, 0, tzinfo=datetime.UTC)


def row(first, last, city, state, **extra):
    return {
        "mayor_first_name": first, "mayor_last_name": last, "city": city, "state": state,
        "approved_at": NOON_UTC, **extra,
    }  # fmt: skip


def test_a_signatory_reads_mayor_name_city_state():
    assert signatory_line(row("Ada", "Lovelace", "Springfield", "IL")) == (
        "Mayor Ada Lovelace, Springfield, IL"
    )


def test_the_downloads_and_the_delivery_give_rows_by_state_name_with_its_name():
    rows = [
        row("Grace", "Hopper", "Arlington", "VA", letter_version__number=1),
        row("Ada", "Lovelace", "Springfield", "IL", letter_version__number=2),
    ]
    exported = export_rows(rows)
    assert [r["state_name"] for r in exported] == ["Illinois", "Virginia"]
    assert exported[0]["date_approved"] == "2026-03-02"
    assert delivery_rows(rows)[0] == {
        "mayor_first_name": "Ada", "mayor_last_name": "Lovelace", "city": "Springfield",
        "state": "IL", "state_name": "Illinois", "approved_at": NOON_UTC.isoformat(),
        "version": 2,
    }  # fmt: skip

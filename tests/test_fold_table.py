"""places.fold_table: the browser's fold is generated from the server's, and is current.

tests/browser/test_fold_in_browser.py runs the same cases through both.
"""

from places import fold_table
from places.normalize import fold


def test_the_committed_browser_fold_is_generated_from_the_current_server_fold():
    assert fold_table.SCRIPT.read_text(encoding="utf-8") == fold_table.script(), (
        "static/js/fold.js is out of date: run `manage.py build_fold_table`."
    )


def test_the_table_holds_what_the_browser_would_otherwise_fold_differently():
    table = fold_table.table()
    # The ʻokina of "Kauaʻi" is a letter to JavaScript; the server drops it.
    assert table["\u02bb"] == ""
    assert table["ß"] == "ss"
    # Where the browser's own rule already agrees, no entry.
    assert "é" not in table
    assert fold("Kauaʻi") == "kauai"

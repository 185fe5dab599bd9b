"""The word-by-word difference between two versions of a letter's text, as HTML.

Used by the letter-version admin and by the public "what changed" page.
"""

import difflib
import re

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from .models import LetterVersion


def text_diff_html(old: LetterVersion | None, new: LetterVersion) -> str:
    """Word-by-word changes from one version's text to the next: <del> and <ins>."""
    before = re.split(r"(\s+)", old.text) if old else []
    after = re.split(r"(\s+)", new.text)
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    # Merge changes separated only by a space, so "right away" → "without delay"
    # reads as one change rather than two.
    chunks: list[list] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        between_changes = op == "equal" and not "".join(before[a1:a2]).strip()
        if chunks and chunks[-1][0] == "change" and (op != "equal" or between_changes):
            chunks[-1][2], chunks[-1][4] = a2, b2
        else:
            chunks.append(["equal" if op == "equal" else "change", a1, a2, b1, b2])
    parts = []
    for op, a1, a2, b1, b2 in chunks:
        if op == "equal":
            parts.append(escape("".join(before[a1:a2])))
            continue
        if a2 > a1:
            parts.append(format_html("<del>{}</del>", "".join(before[a1:a2])))
        if b2 > b1:
            parts.append(format_html("<ins>{}</ins>", "".join(after[b1:b2])))
    return format_html('<div class="text-diff">{}</div>', mark_safe("".join(parts)))  # noqa: S308 -- every part is escaped above

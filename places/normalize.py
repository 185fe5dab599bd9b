"""The one place that decides how names and places are cleaned and compared.

``clean_text`` is what the form applies to every typed name or city: it keeps
what a person meant and refuses what only a machine or an impersonator would
type. ``office_key`` is how two spellings of one city become the same office,
for the one-signature-per-office rule (the form's check and the database
constraint both rest on it).
"""

import functools
import hashlib
import re
import unicodedata

import confusable_homoglyphs.confusables
from django.core.exceptions import ValidationError

# Bidirectional controls can make "ogacihC" display as "Chicago"; zero-width
# characters hide inside a name to dodge the duplicate check.
_INVISIBLE = {
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff",  # zero-width space/joiners, BOM
    "\u061c", "\u200e", "\u200f",  # directional marks
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",  # embeddings and overrides
    "\u2066", "\u2067", "\u2068", "\u2069",  # isolates
}  # fmt: skip
_MARKUP = set("<>")
# Punctuation that real names and places use; anything else is refused.
_ALLOWED_PUNCTUATION = set(" .,'’‘-‐–()&/")
_WHITESPACE_RUN = re.compile(r"\s+")

# Word forms that name the same place ("St. Louis" is "Saint Louis").
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount"}


# Glottal stops and apostrophes written as modifier letters: the Hawaiian
# ʻokina in "Kauaʻi" and "ʻEwa Beach". They belong to no alphabet.
_MODIFIER_APOSTROPHES = {"\u02bb", "\u02bc", "\u02bd"}

# Letters of other scripts drawn like Latin ones, from Unicode's confusables
# data (UTS #39) as the confusable_homoglyphs package ships it: a letter maps
# to the plain ASCII letters it is mistaken for ("Ꮪ" Cherokee → "S", "ɡ" → "g").
# A name written only in these ("Сосоа" in Cyrillic) reads as Latin to every
# reviewer but is another string: a whole-script look-alike.
_CONFUSABLES = confusable_homoglyphs.confusables.confusables_data


@functools.cache
def _ascii_lookalike(char: str) -> str | None:
    """The ASCII letters a non-ASCII letter is drawn like, or None."""
    if char.isascii():
        return None
    for homoglyph in _CONFUSABLES.get(char, ()):
        if homoglyph["c"].isascii() and homoglyph["c"].isalpha():
            return homoglyph["c"]
    return None


def _script(char: str) -> str:
    """The script a letter belongs to, from its Unicode name ("LATIN", "CYRILLIC" …)."""
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else "UNKNOWN"


def clean_text(value: str) -> str:
    """Trim and normalize a typed name or place, or raise ValidationError.

    NFKC folds compatibility forms (full-width letters, ligatures) into plain
    ones; runs of whitespace become one space.
    """
    value = unicodedata.normalize("NFKC", value or "")
    if any(ch in _INVISIBLE for ch in value):
        raise ValidationError(
            "Remove the invisible formatting characters (often pasted with the text).",
            code="invisible",
        )
    if any(ch in _MARKUP for ch in value):
        raise ValidationError("Use letters only: “<” and “>” are not allowed.", code="markup")
    # Tabs and line breaks are whitespace and collapse below; other control
    # characters have no place in a name.
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs", "Cn") and not ch.isspace()
           for ch in value):  # fmt: skip
        raise ValidationError("Remove the control characters from this field.", code="control")
    value = _WHITESPACE_RUN.sub(" ", value).strip()
    scripts = set()
    for ch in value:
        if ch in _MODIFIER_APOSTROPHES:
            continue
        if ch.isalpha():
            scripts.add(_script(ch))
        elif ch.isdigit() or ch in _ALLOWED_PUNCTUATION or unicodedata.category(ch) == "Mn":
            continue
        else:
            raise ValidationError(
                f"“{ch}” is not allowed here. Use letters, spaces and . , ' - ( ) & /",
                code="character",
            )
    # One script per field: "Chicаgo" with a Cyrillic "а" looks like Chicago but
    # is another string, and would slip past the one-signature-per-office rule.
    if len(scripts) > 1:
        raise ValidationError(
            "This mixes letters from different alphabets (for example a Cyrillic “а” "
            "among Latin letters). Please retype it.",
            code="mixed_scripts",
        )
    letters = [ch for ch in value if ch.isalpha() and ch not in _MODIFIER_APOSTROPHES]
    if scripts and scripts != {"LATIN"} and all(_ascii_lookalike(ch) for ch in letters):
        raise ValidationError(
            "This is written with letters that only look Latin (for example a Cyrillic “С”). "
            "Please retype it.",
            code="lookalike",
        )
    return value


_APOSTROPHES = re.compile(r"['’‘`ʻʼʽ]")
_NON_WORD = re.compile(r"[^\w]+")


def fold(value: str, *, expand_abbreviations: bool = True) -> str:
    """Case-, accent-, punctuation- and spacing-insensitive form of a name.

    ``expand_abbreviations=False`` keeps "st" as typed: a search needs it while
    someone is still typing "Stamford".
    """
    letters = value.casefold()
    # Most names are plain ASCII, which has nothing to decompose: skipping the
    # per-character loop makes the letter page's search keys several times cheaper.
    if not letters.isascii():
        decomposed = unicodedata.normalize("NFKD", letters)
        letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # Apostrophes join ("Coeur d'Alene" = "Coeur dAlene"); other punctuation separates.
    letters = _APOSTROPHES.sub("", letters)
    letters = _NON_WORD.sub(" ", letters)
    words = letters.split()
    if expand_abbreviations:
        words = [_ABBREVIATIONS.get(word, word) for word in words]
    return " ".join(words)


# The office_key column's length (Signature and OfficialDomain).
OFFICE_KEY_MAX_LENGTH = 120


def _skeleton(value: str) -> str:
    """Each letter drawn like an ASCII one becomes that letter: "Sprıngfıeld" → "Springfield".

    Accents come off first, so "é" stays an "e" rather than whatever an accented
    letter is confused with; only the office key uses this, never the public search.
    """
    # Case first: a look-alike's capital may have no entry of its own ("Ɡ" of "ɡ").
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(_ascii_lookalike(ch) or ch for ch in decomposed if not unicodedata.combining(ch))


def office_key(city: str, state: str) -> str:
    """The key under which a city's office signs a letter: "MO:saint louis".

    Look-alike letters fold to the letters they imitate, so "Sprinɡfield" (a
    Latin script "ɡ") is the same office as "Springfield". A key that would
    not fit its column ("ß" × 100 folds to 200 letters) keeps its start and
    ends in a digest of the whole: still one key per office, never an error.
    """
    key = f"{state.upper()}:{fold(_skeleton(city))}"
    if len(key) > OFFICE_KEY_MAX_LENGTH:
        digest = hashlib.sha256(key.encode()).hexdigest()[:16]
        key = f"{key[: OFFICE_KEY_MAX_LENGTH - len(digest) - 1]}~{digest}"
    return key

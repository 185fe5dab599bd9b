"""Reading the conference's own file of places (``manage.py import_places``).

A CSV file, UTF-8, with a header row naming these columns (any order; others ignored):

- ``id`` (required): the conference's id for the place, unique in the file; a later
  import updates the place with the same id;
- ``name`` (required): the place's name as it should be shown, up to 100 characters;
- ``state`` (required): the USPS code of the state or territory (``MO``, ``PR``);
- ``population`` (optional): a whole number, without separators; empty when unknown;
- ``aliases`` (optional): other names of the place, separated by ``|``.

Every row is checked first; any error, and nothing is saved.
"""

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from . import normalize
from .states import CODES

REQUIRED = ("id", "name", "state")
MAX_NAME = 100


@dataclass
class Parsed:
    rows: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _name(value: str, what: str) -> str:
    try:
        name = normalize.clean_text(value)
    except ValidationError as error:
        raise ValueError(f"{what}: {error.messages[0]}") from None
    if not name:
        raise ValueError(f"{what} is empty")
    if len(name) > MAX_NAME:
        raise ValueError(f"{what} is longer than {MAX_NAME} characters")
    return name


def parse(lines: Iterable[str]) -> Parsed:
    parsed = Parsed()
    reader = csv.DictReader(lines)
    columns = {(name or "").strip().lower() for name in reader.fieldnames or []}
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        parsed.errors.append(
            f"The header row lacks the column(s) {', '.join(missing)} "
            f"(expected: id, name, state, population, aliases)."
        )
        return parsed
    seen: dict[str, int] = {}
    for line, raw in enumerate(reader, start=2):
        row = {(key or "").strip().lower(): (value or "").strip() for key, value in raw.items()}
        try:
            source_id = row["id"]
            if not source_id:
                raise ValueError("id is empty")
            if len(source_id) > 40:
                raise ValueError("id is longer than 40 characters")
            if source_id in seen:
                raise ValueError(f"id {source_id} is also on line {seen[source_id]}")
            name = _name(row["name"], "name")
            state = row["state"].upper()
            if state not in CODES:
                raise ValueError(f"state “{row['state']}” is not a USPS state or territory code")
            population = None
            if row.get("population"):
                if not row["population"].isascii() or not row["population"].isdigit():
                    raise ValueError(
                        f"population “{row['population']}” is not a whole number (no commas)"
                    )
                population = int(row["population"])
            written = row.get("aliases", "").split("|")
            aliases = [_name(alias, "alias") for alias in written if alias.strip()]
        except ValueError as error:
            parsed.errors.append(f"Line {line}: {error}.")
            continue
        seen[source_id] = line
        parsed.rows.append(
            {"source_id": source_id, "name": name, "state": state, "population": population,
             "aliases": aliases}
        )  # fmt: skip
    return parsed

"""The signature changelist's rows, drawn with Django's markup at a fraction of its cost.

Django's ``items_for_result`` works every cell out from scratch: it looks the
column up (``lookup_field``), asks for the empty-value text, formats the value
(``display_for_value``, a ``static()`` lookup per boolean icon), and wraps it
with ``format_html``: about 0.6 ms a row on the review desk's dozen columns.

Here each column's part of the row is planned once per page (its cell's tag and
classes, whether it links to the signature, how its value becomes HTML) and a
row is one join of its cells. The HTML is Django's own, byte for byte
(tests/test_admin_rows.py renders pages of varied signatures both ways). A
column this module cannot plan (a ``__`` lookup, a reverse relation) raises
ImproperlyConfigured instead of being drawn differently; a changelist Django
draws otherwise (editable rows, a popup) is left to Django.

The sorting headers and hidden fields are Django's (``admin_list.result_headers``
and ``result_hidden_fields``); only the body rows change hands.

``escape_cell`` and ``format_cell`` are Django's ``conditional_escape`` and
``format_html`` without the lazy-text wrapper around ``escape`` (about a third of a
row's time: some thirty escapes a row); the desk's columns draw with them.
"""

import datetime
import html
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import django
from django.contrib.admin.templatetags.admin_list import (
    ResultList,
    _coerce_field_name,
    result_headers,
    result_hidden_fields,
)
from django.contrib.admin.templatetags.admin_list import results as django_results
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import display_for_field, display_for_value
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, ObjectDoesNotExist
from django.db import models
from django.urls import NoReverseMatch
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe


def escape_cell(text) -> str:
    """``django.utils.html.conditional_escape(text)``, the same HTML, called directly."""
    if isinstance(text, Promise):
        text = str(text)
    if hasattr(text, "__html__"):
        return text.__html__()
    return SafeString(html.escape(str(text)))


def format_cell(format_string: str, *args) -> SafeString:
    """``django.utils.html.format_html(format_string, *args)``, the same HTML."""
    return SafeString(format_string.format(*map(escape_cell, args)))


# A cell's HTML from the row's object (the classes are the column's, known up front).
Cell = Callable[[models.Model], str]


@dataclass(frozen=True)
class _Column:
    name: str
    tag: str  # "th" for the first link to the signature, "td" otherwise
    classes: str  # Django's ' class="field-…"' attribute, as it writes it
    link: bool
    html: Cell  # the cell's content: escaped text or safe HTML
    # For a callable returning a date or a time Django adds "nowrap" per cell.
    dated: bool = False


def result_list(cl: ChangeList) -> dict:
    """``admin_list.result_list``'s context, with the rows drawn here."""
    headers = list(result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": list(result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": list(results(cl)),
    }


def results(cl: ChangeList) -> Iterator[ResultList]:
    """The page's rows, as ``admin_list.results`` yields them (one item a row)."""
    if cl.formset or cl.is_popup:
        yield from django_results(cl)
        return
    columns, links = plan(cl), _Links(cl)
    for obj in cl.result_list:
        # Each cell's content is escaped (or safe) HTML; tags and classes are Django's.
        row = mark_safe("".join(_row(cl, columns, links, obj)))  # noqa: S308 -- escaped cells
        yield ResultList(None, [row])


def _row(cl: ChangeList, columns: list[_Column], links: "_Links", obj) -> Iterator[str]:
    for column in columns:
        classes = column.classes
        try:
            content = column.html(obj)
        except ObjectDoesNotExist:
            # Django's cell for a missing related object: the plain field class.
            content = escape_cell(cl.model_admin.get_empty_value_display())
            classes = f' class="field-{column.name}"'
        if column.dated and isinstance(content, _Dated):
            classes = classes[:-1] + ' nowrap"'
        if column.link:
            content = links(obj, content)
        yield f"<{column.tag}{classes}>{content}</{column.tag}>"


class _Links:
    """The rows' links to their pages, as ``items_for_result`` writes them."""

    def __init__(self, cl: ChangeList):
        self.cl = cl
        self.context = {"preserved_filters": cl.preserved_filters, "opts": cl.opts}
        self.queries: dict[str, str] = {}

    def __call__(self, obj, content: str) -> str:
        try:
            url = self.cl.url_for_result(obj)
        except NoReverseMatch:
            return content
        path, mark, query = url.partition("?")
        plain = path.startswith("/") and not path.startswith("//") and "#" not in url
        if self.cl.preserved_filters or not plain:
            url = add_preserved_filters(self.context, url)
        elif mark:
            # With no filters to add, Django only re-encodes the query: every row's is the
            # same (the list's own filters), so it is re-encoded once for the page.
            if query not in self.queries:
                self.queries[query] = add_preserved_filters(self.context, f"/?{query}")[1:]
            url = path + self.queries[query]
        return f'<a href="{html.escape(url)}">{content}</a>'


class _Dated(SafeString):
    """A callable's date or time, drawn: Django gives its cell the "nowrap" class."""


def plan(cl: ChangeList) -> list[_Column]:
    """Each column of the page, worked out once: what ``items_for_result`` decides per cell."""
    model_admin = cl.model_admin
    empty = model_admin.get_empty_value_display()
    icons = {value: display_for_value(value, empty, boolean=True) for value in (True, False, None)}
    columns, first = [], True
    for index, name in enumerate(cl.list_display):
        if cl.list_display_links is None:
            link = False
        else:
            link = (first and not cl.list_display_links) or name in cl.list_display_links
        tag = "th" if link and first else "td"
        first = first and not link
        field_name = _coerce_field_name(name, index)
        html, classes, dated = _cell(cl, name, empty, icons, link)
        classes = classes or [f"field-{field_name}"]
        columns.append(
            _Column(
                name=field_name,
                tag=tag,
                classes=f' class="{" ".join(classes)}"',
                link=link,
                html=html,
                dated=dated,
            )
        )
    return columns


def _cell(cl: ChangeList, name, empty: str, icons: dict, link: bool):
    """How a column's value becomes HTML: (cell, its classes or None, may it be a date)."""
    model_admin, opts = cl.model_admin, cl.lookup_opts
    if not callable(name):
        try:
            field = opts.get_field(name)
        except FieldDoesNotExist:
            field = None
        if field is not None and field.name == name:  # not an "_id" column name
            return _field_cell(field, name, empty, link)
    if callable(name):
        attr = name
        call = name
    elif hasattr(model_admin, name) and name != "__str__":
        attr = call = getattr(model_admin, name)
    elif callable(getattr(cl.model, name, None)):
        # A model method: Django calls it on the row's object.
        attr = getattr(cl.model, name)

        def call(obj, name=name):
            return getattr(obj, name)()
    elif isinstance(getattr(cl.model, name, None), property):
        attr = getattr(cl.model, name)

        def call(obj, name=name):
            return getattr(obj, name)
    else:
        raise ImproperlyConfigured(
            f"The signature changelist's rows (signon/admin/rows.py) cannot draw the column "
            f"{name!r}: only fields, properties, callables and admin or model methods. Add "
            f"it there."
        )
    empty = getattr(attr, "empty_value_display", empty)
    classes = ["action-checkbox"] if name == "action_checkbox" else None
    boolean = getattr(attr.fget if isinstance(attr, property) else attr, "boolean", False)
    if boolean:

        def icon(obj) -> str:
            value = call(obj)
            if value is True or value is False or value is None:
                return icons[value]
            return escape_cell(display_for_value(value, empty, boolean=True))

        return icon, classes, False

    def cell(obj) -> str:
        value = call(obj)
        if isinstance(value, str) and value and not (value[0].isspace() or value[-1].isspace()):
            # Text with nothing to strip: every Django version shows it as it is.
            return escape_cell(value)
        drawn = escape_cell(_displayed(value, empty))
        if isinstance(value, datetime.date | datetime.time):
            return _Dated(drawn)
        return drawn

    return cell, classes, True


# Django 5.2 empties a blank string before display_for_value; from 6.0 on,
# display_for_value strips text itself (tests/test_admin_rows.py checks both ways).
_BLANKS_FIRST = django.VERSION < (6,)


def _displayed(value, empty: str):
    if _BLANKS_FIRST and isinstance(value, str) and value.strip() == "":
        value = ""
    return display_for_value(value, empty)


def _field_cell(field, name: str, empty: str, link: bool):
    if field.is_relation and not isinstance(field.remote_field, models.ManyToOneRel):
        raise ImproperlyConfigured(
            f"The signature changelist's rows (signon/admin/rows.py) cannot draw the "
            f"relation {name!r}. Add it there."
        )
    classes = [f"field-{name}"]
    if isinstance(field, models.DateField | models.TimeField | models.ForeignKey):
        classes.append("nowrap")
    if isinstance(field.remote_field, models.ManyToOneRel):

        def related(obj) -> str:
            value = getattr(obj, field.name)
            return escape_cell(empty if value is None else value)

        return related, classes, False

    def plain(obj) -> str:
        value = getattr(obj, name)
        if _BLANKS_FIRST and isinstance(value, str) and value.strip() == "":
            value = ""
        return escape_cell(display_for_field(value, field, empty, avoid_link=link))

    return plain, classes, False

"""One way to build a list page: a class per list declares what it shows, the framework
does the rest (filters, sorting links, capped-count pagination with page numbers, the
HTMX partial, CSV/XLSX export, saved views, stacked rows on phones, bulk actions).

A list is a subclass of :class:`ListView` registered with :func:`register`::

    @lists.register
    class AccountList(lists.ListView):
        key = "accounts"                       # saved views are stored under this key
        url_name = "clients:account_list"
        title, noun = "Accounts", "accounts"
        template = "clients/account_list.html"  # extends "lists/list_page.html"
        results_id = "account-results"
        filter_form = AccountFilterForm         # a ListFilterForm: the filters and sorts offered
        columns = (Column("Name", sort="name", phone=True), ...)
        row_fields = ACCOUNT_ROW_FIELDS         # what the rows query reads (QuerySet.values)
        export_columns = ACCOUNT_EXPORT

        def selection(self, values, *, for_count):   # ONE selector call; it also sorts
            return selectors.account_list(actor=self.actor, filters=..., for_count=for_count)

        def write_rows(self, rows):             # the <tr> of each row, written in Python
            return rows_module.account_rows(rows)

    account_list = AccountList.as_view()       # the view function urls.py names

What keeps a page fast is kept here: the rows are read as dictionaries of the shown
columns (``row_fields``) and written in Python (:mod:`tandem.core.rows`); the count is
capped (:mod:`tandem.core.pagination`) and reads the selector's ``for_count`` shape;
sorting happens in the selector, on orderings an index serves (the filter form offers
only those: ``ListFilterForm.sort_keys``). A page costs the same number of queries at
any data size: the layout's, the capped count, the rows, and one for the saved views
(full pages only, not the HTMX partial).

Totals (a sum of money over every matching row) are a hook: a list sets
``totals_template`` and writes :meth:`ListView.totals`, which works them out from the
whole selection. A sum walks every row it adds up, so the framework bounds it as it
bounds the count: when the count is exact (at most the count cap) the totals are worked
out and written inline; beyond the cap the page does not work them out and offers "Work
out the totals" instead, a link to the same page with ``?totals=all`` that HTMX fetches
as the totals fragment alone (the same ``ListView``: the same filters, preset and
permission scope, no count and no rows; without JavaScript the link opens the whole
page with its totals). An error of ``totals_errors`` (a missing exchange rate) is
written in their place as "The totals cannot be worked out: …".

Adding a filter: a field on the list's filter form, and one line in ``selection`` that
hands its value (``values["<field>"]``) to the selector's filter dataclass. The query
parameter is the field's name; saved views, page links, sort links and exports keep it
with no more code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET

from tandem.core import export, pagination
from tandem.core.pagination import PageLinks, page_links, page_query, paginate
from tandem.core.web import wants_partial
from tandem.core.widgets import FastInputRenderer, FastSelect

# ``?totals=all``: work out a list's totals beyond the count cap (see :class:`ListView`).
TOTALS_PARAM, TOTALS_ALL = "totals", "all"
# Query parameters that are never filters: the page, the export format, the selected
# rows of an export, the built-in view asked for and the totals asked for.
NON_FILTER_PARAMS = frozenset({"page", "format", "id", "view", "csrfmiddlewaretoken", TOTALS_PARAM})
PHONE_COLUMN_CLASSES = 12  # lists.css hides columns 1–12 on phones by class
TOTALS_FRAGMENT = "lists/_totals.html"


# --- Filters ------------------------------------------------------------------------------


def per_page_choices() -> list[tuple[str, str]]:
    """Page sizes; the empty value is the default size (``TANDEM_PAGE_SIZE``)."""
    default = int(settings.TANDEM_PAGE_SIZE)
    sizes = sorted({10, 25, default, 100})
    return [("" if size == default else str(size), str(size)) for size in sizes]


def sort_choices(keys: Sequence[str]) -> list[tuple[str, str]]:
    return [(value, value) for key in keys for value in (key, f"-{key}")]


def _empty(form_field: forms.Field) -> Any:
    if isinstance(form_field, forms.BooleanField):
        return False
    if isinstance(form_field, forms.TypedChoiceField):
        return form_field.empty_value
    if isinstance(form_field, forms.DateField):
        return None
    return ""


class ListFilterForm(forms.Form):
    """The filters of a list page (GET). An invalid value is ignored (no filter), never
    an error page: a bookmarked list keeps working.

    A subclass declares its filter fields, ``sort_keys`` (the orderings its selector
    serves from an index; each may be reversed with ``-``) and ``default_sort``. Widgets
    get Bootstrap's classes here; selects and inputs are written without templates
    (:mod:`tandem.core.widgets`), with the same HTML.
    """

    sort_keys: ClassVar[Sequence[str]] = ()
    default_sort: ClassVar[str] = ""
    default_renderer = FastInputRenderer()

    per_page = forms.ChoiceField(label="Rows per page", required=False)
    sort = forms.ChoiceField(label="Sort by", required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for form_field in self.fields.values():
            widget = form_field.widget
            if type(widget) is forms.Select:
                form_field.widget = widget = FastSelect(attrs=widget.attrs, choices=widget.choices)
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif not widget.is_hidden:
                widget.attrs.setdefault("class", "form-control")
        self.fields["per_page"].choices = per_page_choices()  # type: ignore[attr-defined]
        self.fields["sort"].choices = [("", ""), *sort_choices(self.sort_keys)]  # type: ignore[attr-defined]
        if "q" in self.fields:
            self.fields["q"].widget.input_type = "search"

    def set_choices(self, name: str, choices: Sequence[tuple[Any, str]]) -> None:
        """Choices known only per request (the account managers a user may pick)."""
        self.fields[name].choices = choices  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        """Each valid value, or its field's empty value when invalid or absent."""
        if self.is_bound:
            self.is_valid()
        data = getattr(self, "cleaned_data", {})
        values = {name: data.get(name, _empty(form_field)) for name, form_field in self.fields.items()}
        values["sort"] = values["sort"] or self.default_sort
        raw_size = str(self.data.get("per_page", "")) if self.is_bound else ""
        if not values["per_page"] and raw_size.isdigit():
            values["per_page"] = raw_size  # a size outside the menu (from a link), clamped by paginate
        return values

    def filter_names(self) -> list[str]:
        return [name for name in self.fields if name not in {"per_page", "sort"}]


# --- Declarations -------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of a list: its header, the sort key that orders by it (``None``: not
    sortable), ``align="end"`` for numbers, and whether phones show it (3–4 per list)."""

    label: str
    sort: str | None = None
    align: str = "start"
    phone: bool = False


@dataclass(frozen=True)
class Preset:
    """A built-in view of a list ("My accounts", "All accounts"): the query it applies,
    worked out for the acting user."""

    key: str
    label: str
    query: Callable[[Any], Mapping[str, Any]] = lambda actor: {}
    visible: Callable[[Any], bool] = lambda actor: True


@dataclass(frozen=True)
class BulkAction:
    """An action on the selected rows: a POST to ``url_name`` with the ids (``id``), or,
    for ``export``, the CSV of exactly the selected rows. ``fields`` names a template
    (included in the bar) holding the action's own inputs."""

    key: str
    label: str
    url_name: str = ""
    fields_template: str = ""
    allowed: Callable[[Any], bool] = lambda actor: True


EXPORT_SELECTED = BulkAction("export", "Export selected")


@dataclass(frozen=True)
class Header:
    """A column header: sortable ones carry the query of their link and ``aria-sort``."""

    label: str
    url_query: str = ""
    aria_sort: str | None = None
    align: str = "start"

    @property
    def sortable(self) -> bool:
        return bool(self.url_query)


@dataclass(frozen=True)
class Tab:
    """One entry of the views menu above the filters: a preset or a saved view."""

    label: str
    url_query: str
    active: bool
    saved_view: Any = None
    shared: bool = False


def headers(params: Mapping[str, Any], current: str, columns: Sequence[Column]) -> list[Header]:
    """Headers of ``columns``; clicking the sorted column reverses it."""
    result = []
    for column in columns:
        key = column.sort
        if key is None:
            result.append(Header(column.label, align=column.align))
            continue
        if current == key:
            next_sort, aria = f"-{key}", "ascending"
        elif current == f"-{key}":
            next_sort, aria = key, "descending"
        else:
            next_sort, aria = key, None
        result.append(Header(column.label, page_query(params, sort=next_sort, page=None), aria, column.align))
    return result


def has_query(query: Mapping[str, Any]) -> bool:
    """Whether a request's query asks for anything beyond the totals (a page opened with
    only ``?totals=all`` still opens on its default view)."""
    return any(key != TOTALS_PARAM for key in query)


def query_params(query: Mapping[str, Any]) -> dict[str, str]:
    """The filters and sort of a query string (one value per name)."""
    if isinstance(query, QueryDict):
        return {key: query.get(key, "") for key in query if key not in NON_FILTER_PARAMS}
    return {key: str(value) for key, value in query.items() if key not in NON_FILTER_PARAMS}


def normalise_query(query: Mapping[str, Any] | str) -> str:
    """A list's filters and sort as a canonical query string (names sorted, empty values,
    the page and the export format dropped): what a saved view stores and what tells
    which view is open."""
    if isinstance(query, str):
        query = QueryDict(query)
    params = query_params(query)
    return page_query(dict(sorted(params.items())))


def selected_ids(query: Mapping[str, Any]) -> list[int] | None:
    """The ids of the selected rows (``id`` values; ``"12:3"`` is row 12 at version 3),
    or ``None`` when nothing names rows. Junk is ignored."""
    values = query.getlist("id") if isinstance(query, QueryDict) else query.get("id", [])
    if not values:
        return None
    ids = []
    for value in values:
        head = str(value).split(":", 1)[0]
        if head.isdigit():
            ids.append(int(head))
    return ids


def selected_versions(query: Mapping[str, Any]) -> dict[int, int]:
    """``{id: version}`` of the selected rows that carry their version (``"12:3"``)."""
    values = query.getlist("id") if isinstance(query, QueryDict) else []
    versions = {}
    for value in values:
        head, _, version = str(value).partition(":")
        if head.isdigit() and version.isdigit():
            versions[int(head)] = int(version)
    return versions


_REGISTRY: dict[str, type[ListView]] = {}


def register[L: type[ListView]](list_class: L) -> L:
    """Make a list known by its key (saved views name lists by key)."""
    if list_class.key in _REGISTRY and _REGISTRY[list_class.key] is not list_class:
        raise ValueError(f"A list is already registered as {list_class.key!r}.")
    _REGISTRY[list_class.key] = list_class
    return list_class


def registered(key: str) -> type[ListView] | None:
    return _REGISTRY.get(key)


# --- The list page ------------------------------------------------------------------------


@dataclass
class ListState:
    """What one request of a list works out, handed to the template."""

    values: dict[str, Any]
    params: dict[str, str]
    preset: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class ListView:
    """A list page. Subclasses set the class attributes and write :meth:`selection`
    and :meth:`write_rows`; the other methods are hooks with sensible defaults."""

    key: ClassVar[str]
    url_name: ClassVar[str]
    title: ClassVar[str]
    noun: ClassVar[str]
    # The noun for a total of one ("1 inquiry"); default: ``noun`` without its last "s".
    noun_one: ClassVar[str] = ""
    template: ClassVar[str]
    results_id: ClassVar[str]
    filter_form: ClassVar[type[ListFilterForm]]
    columns: ClassVar[Sequence[Column]]
    row_fields: ClassVar[Sequence[str]]
    export_columns: ClassVar[Sequence[export.Column]] = ()
    export_name: ClassVar[str] = ""
    presets: ClassVar[Sequence[Preset]] = ()
    bulk_actions: ClassVar[Sequence[BulkAction]] = ()
    saved_views: ClassVar[bool] = True
    # Totals of the whole selection (see :meth:`totals`): the template that writes them
    # (it reads ``totals``), and the errors written in their place ("cannot be worked out").
    totals_template: ClassVar[str] = ""
    totals_errors: ClassVar[tuple[type[Exception], ...]] = ()

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self.actor: Any = request.user

    # Hooks ------------------------------------------------------------------------------

    def form_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of the filter form (choices read per request)."""
        return {}

    @property
    def noun_singular(self) -> str:
        return self.noun_one or self.noun.removesuffix("s")

    def noun_for(self, total: int) -> str:
        """``noun``, or the noun for one row when ``total`` is 1 ("1 inquiry")."""
        return self.noun_singular if total == 1 else self.noun

    def default_preset(self) -> str | None:
        """The preset applied when the page is opened without a query string."""
        return None

    def selection(self, values: Mapping[str, Any], *, for_count: bool) -> QuerySet[Any]:
        """The rows: ONE selector call with the filters and sort of ``values``."""
        raise NotImplementedError

    def decorate(self, rows: Sequence[Mapping[str, Any]]) -> Sequence[Any]:
        """The page's rows as the row writer wants them (e.g. with a computed state)."""
        return rows

    def shown_columns(self, rows: Sequence[Any], values: Mapping[str, Any]) -> Sequence[Column]:
        """The columns of this page (a column shown only when it has something to say);
        called after :meth:`decorate`."""
        return self.columns

    def write_rows(self, rows: Sequence[Any]) -> SafeString:
        raise NotImplementedError

    def export_filename(self) -> str:
        return self.export_name or self.key

    def extra_context(self) -> dict[str, Any]:
        return {}

    def totals(self, selection: QuerySet[Any]) -> Any:
        """The totals of every row of ``selection`` (the page's rows before paging), for
        ``totals_template``; called only when the count is exact or the reader asks."""
        raise NotImplementedError

    def counted_totals(self, selection: QuerySet[Any], cap: int) -> tuple[int, Any] | None:
        """Optionally the page's count and totals in ONE query: ``selection`` (the count
        shape) counted up to ``cap + 1`` rows, and the totals of the rows read, which are
        the selection's when the count is at most ``cap`` (otherwise they are not shown
        and the page offers to work them out). A page then costs the same queries
        whether its list is within the count cap or beyond it (QUALITY.md P3). ``None``,
        the default (or on a ``totals_errors`` error): the page counts, then totals."""
        return None

    # Machinery --------------------------------------------------------------------------

    @classmethod
    def as_view(cls) -> Callable[[HttpRequest], HttpResponseBase]:
        @login_required
        @require_GET
        def view(request: HttpRequest) -> HttpResponseBase:
            return cls(request).response()

        view.__name__ = view.__qualname__ = cls.__name__
        view.__doc__ = cls.__doc__
        view.list_class = cls  # type: ignore[attr-defined]
        return view

    def visible_presets(self) -> list[Preset]:
        return [preset for preset in self.presets if preset.visible(self.actor)]

    def query(self) -> tuple[QueryDict, str | None]:
        """The query the page reads: the request's, or the default preset's when the
        request has none; ``?view=<preset>`` applies a preset explicitly."""
        query = self.request.GET
        asked = query.get("view", "")
        wanted = asked or (None if has_query(query) else self.default_preset())
        preset = next((item for item in self.visible_presets() if item.key == wanted), None)
        if preset is None:
            return query, None
        applied = QueryDict(mutable=True)
        applied.update({key: str(value) for key, value in preset.query(self.actor).items()})
        for key in query:
            if key != "view":
                applied[key] = query.get(key, "")
        return applied, preset.key

    def response(self) -> HttpResponseBase:
        query, preset = self.query()
        form = self.filter_form(query or None, **self.form_kwargs())
        values = form.values()
        self.form, self.values = form, values
        file_format = export.requested_format(query)
        if file_format:
            selection = self.selection(values, for_count=False)
            ids = selected_ids(query)
            if ids is not None:
                selection = selection.filter(pk__in=ids)
            return export.export_response(
                selection, self.export_columns, name=self.export_filename(), file_format=file_format
            )
        totals_asked = bool(self.totals_template) and query.get(TOTALS_PARAM) == TOTALS_ALL
        if totals_asked and wants_partial(self.request):
            # "Work out the totals": the totals fragment alone, of the page's own selection.
            totals = self.totals_context(values, compute=True)
            return render(self.request, TOTALS_FRAGMENT, {"list": self, "results_id": self.results_id, **totals})
        combined = None
        if self.totals_template and not totals_asked:
            combined = self.counted_totals(self.selection(values, for_count=True), pagination.PAGE_COUNT_CAP)
        page = paginate(
            self.selection(values, for_count=False).values(*self.row_fields),
            query.get("page"),
            values["per_page"] or None,
            count_queryset=self.selection(values, for_count=True),
            counted=combined[0] if combined is not None else None,
        )
        params = query_params(query)
        if preset and preset != self.default_preset():
            params["view"] = preset
        page_rows: Sequence[Any] = self.decorate(list(page.items))
        columns = self.shown_columns(page_rows, values)
        links: PageLinks = page_links(page, params)
        bulk = [action for action in self.bulk_actions if action.allowed(self.actor)]
        current_query = normalise_query(params)
        context: dict[str, Any] = {
            "list": self,
            "filter_form": form,
            "rows": page_rows,
            "rows_html": self.write_rows(page_rows),
            # The default view's own filter is not the reader's: its empty state is "nothing yet".
            "is_filtered": has_query(self.request.GET) and any(values[name] for name in form.filter_names()),
            "headers": headers(params, values["sort"], columns),
            "page": page,
            "total_noun": self.noun_for(page.total),
            "page_links": links,
            "previous_query": links.previous,
            "next_query": links.next,
            "csv_query": page_query(params, page=None, format="csv"),
            "xlsx_query": page_query(params, page=None, format="xlsx"),
            "results_id": self.results_id,
            "list_url": reverse(self.url_name),
            "current_query": current_query,
            "bulk_actions": bulk,
            "phone_hidden": self.phone_hidden_classes(columns, with_select=bool(bulk)),
            "params": params,
        }
        if self.totals_template:
            if combined is not None and not page.total_is_capped:
                context["totals"] = combined[1]
            else:
                context.update(self.totals_context(values, compute=totals_asked or not page.total_is_capped))
            context["totals_query"] = page_query(params, page=page.number if page.number > 1 else None, totals=TOTALS_ALL)
            context["totals_cap"] = f"{page.cap:,}"
        context.update(self.extra_context())
        template = self.template
        if wants_partial(self.request):
            template += "#list-results"
        else:
            context["tabs"] = self.tabs(current_query, preset)
        return render(self.request, template, context)

    def totals_context(self, values: Mapping[str, Any], *, compute: bool) -> dict[str, Any]:
        """``totals`` (or ``totals_error``) of the selection when ``compute``; otherwise
        ``totals_deferred``: the page offers to work them out."""
        if not compute:
            return {"totals_deferred": True}
        try:
            return {"totals": self.totals(self.selection(values, for_count=False))}
        except self.totals_errors as error:
            return {"totals_error": getattr(error, "message", str(error))}

    @staticmethod
    def phone_hidden_classes(columns: Sequence[Column], *, with_select: bool) -> str:
        """Classes of the table naming the columns phones do not show (lists.css)."""
        offset = 1 if with_select else 0
        hidden = [
            f"list-hide-{index + 1 + offset}"
            for index, column in enumerate(columns)
            if not column.phone and index + 1 + offset <= PHONE_COLUMN_CLASSES
        ]
        return " ".join(hidden)

    def tabs(self, current_query: str, preset: str | None) -> list[Tab]:
        """The presets, then the saved views the user may see (one query)."""
        from tandem.core import saved_views  # the model module needs the app registry

        tabs = []
        matched = False
        for item in self.visible_presets():
            active = preset == item.key
            matched = matched or active
            tabs.append(Tab(item.label, page_query({"view": item.key}), active))
        if self.saved_views:
            for view in saved_views.saved_view_list(actor=self.actor, list_key=self.key):
                active = not matched and view.query == current_query
                matched = matched or active
                tabs.append(
                    Tab(view.name, view.query or page_query({"view": "all"}), active, view,
                        shared=view.owner_id != self.actor.pk)
                )
        return tabs

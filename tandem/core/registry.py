"""What the apps plug into ``core``: navigation, settings pages, the user menu, timeline
sources and the hooks ``core`` calls without importing a domain app.

``core`` names no domain app. Each app registers its parts from its
``AppConfig.ready()`` (navigation in ``tandem/<app>/navigation.py``), and ``core``
reads them back here:

- **Navigation** (:func:`nav_entry`): the sidebar of ``base.html``, grouped by area in
  the order of :data:`AREAS`; an entry shows only to users for whom its ``visible``
  callable answers true, and an area with no visible entry is not shown.
  :func:`settings_page` is the shorthand for an entry in the ``settings`` area.
- **User menu** (:func:`user_menu_entry`): the profile, API tokens and password links
  under the user's name in the top bar.
- **Timeline sources** (:func:`timeline_source`): functions that yield the entries of a
  record's timeline, keyed by the record's model (the account page reads
  ``timeline_sources(Account)``); later apps add their own for the same model.
- **Record tabs** (:func:`record_tab`): the tabs of a record's pages (the project's
  Overview, Gantt, … from delivery; Status, Meetings, Risks, RACI, … from governance),
  read back in order by :func:`record_tabs`.
- **Record sections** (:func:`record_section`): parts of a record's page that later
  apps add (the account page shows a section for each one registered for ``Account``),
  each a template with its context worked out for the viewer; ``context`` answering
  ``None`` leaves the section out. A section sits on one of the record's tabs (``tab``,
  the key of a :func:`record_tab`; ``"overview"`` by default), so that each tab reads
  only its own sections and a record page stays within its query budget however many
  apps add to it; :func:`record_tab_links` gives the tab strip's links.
- **Hooks**: :func:`calendar_provider` (the organisation's time zone, for the daily-job
  scheduler) and :func:`token_authenticator` (the API's bearer tokens), each set once by
  the app that owns the data.

Search types have their own registry in :mod:`tandem.core.search` (``search.register``),
policies theirs in :mod:`tandem.core.permissions`, demo steps theirs in
:mod:`tandem.core.demo`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString, mark_safe

from tandem.core.rows import esc, plain_url

# --- Navigation ----------------------------------------------------------------------

#: The sidebar's areas, in order: (key, heading).
AREAS: tuple[tuple[str, str], ...] = (
    ("clients", "Clients"),
    ("sales", "Sales"),
    ("delivery", "Delivery"),
    ("governance", "Governance"),
    ("insights", "Insights"),
    ("settings", "Settings"),
)
#: Entries shown above the areas, without a heading (Home).
TOP = "top"

Visible = Callable[[Any], bool]


def everyone(user: Any) -> bool:
    return True


@dataclass(frozen=True)
class NavEntry:
    area: str
    label: str
    url_name: str
    icon: str  # a Tabler icon name, without the "ti-" prefix
    order: int = 100
    visible: Visible = everyone
    url_kwargs: Callable[[Any], dict[str, Any]] | None = None

    def url_for(self, user: Any) -> str | None:
        if self.url_kwargs is None:
            try:
                return plain_url(self.url_name)
            except NoReverseMatch:
                return None
        try:
            return reverse(self.url_name, kwargs=self.url_kwargs(user))
        except NoReverseMatch:
            return None


NAV_ENTRIES: list[NavEntry] = []
USER_MENU: list[NavEntry] = []


def nav_entry(
    *, area: str, label: str, url_name: str, icon: str, order: int = 100, visible: Visible = everyone
) -> NavEntry:
    """Register a sidebar entry in ``area`` (a key of :data:`AREAS`, or ``"top"``)."""
    if area != TOP and area not in dict(AREAS):
        raise ValueError(f"Unknown navigation area {area!r}; the areas are {', '.join(dict(AREAS))}.")
    entry = NavEntry(area=area, label=label, url_name=url_name, icon=icon, order=order, visible=visible)
    _replace(NAV_ENTRIES, entry)
    return entry


def settings_page(*, label: str, url_name: str, icon: str, order: int = 100, visible: Visible = everyone) -> NavEntry:
    """Register a settings page: an entry of the sidebar's Settings area."""
    return nav_entry(area="settings", label=label, url_name=url_name, icon=icon, order=order, visible=visible)


def user_menu_entry(
    *, label: str, url_name: str, icon: str, order: int = 100, visible: Visible = everyone,
    url_kwargs: Callable[[Any], dict[str, Any]] | None = None,
) -> NavEntry:
    """Register a link of the user menu (``url_kwargs(user)`` fills the URL's arguments)."""
    entry = NavEntry(
        area="user", label=label, url_name=url_name, icon=icon, order=order, visible=visible, url_kwargs=url_kwargs
    )
    _replace(USER_MENU, entry)
    return entry


def _replace(entries: list[NavEntry], entry: NavEntry) -> None:
    # Registering the same URL again (a module imported twice) replaces the entry.
    entries[:] = [old for old in entries if (old.area, old.url_name) != (entry.area, entry.url_name)]
    entries.append(entry)


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    icon: str
    active: bool = False


@dataclass(frozen=True)
class NavArea:
    key: str
    label: str
    links: list[NavLink] = field(default_factory=list)


def _active_url(path: str, urls: Iterable[str]) -> str | None:
    """The URL the current page sits under: the exact one, else the longest prefix
    (``/`` matches only itself), so one entry at most is highlighted."""
    best: str | None = None
    for url in urls:
        if path == url:
            return url
        if url != "/" and path.startswith(url) and (best is None or len(url) > len(best)):
            best = url
    return best


def navigation_for(user: Any, path: str) -> list[NavArea]:
    """The sidebar ``user`` sees on the page at ``path``: the top entries, then each area
    with at least one visible entry, entries by ``order`` then label."""
    visible: list[tuple[NavEntry, str]] = []
    for entry in NAV_ENTRIES:
        if not entry.visible(user):
            continue
        url = entry.url_for(user)
        if url is not None:
            visible.append((entry, url))
    active = _active_url(path, [url for _, url in visible])
    headings = {TOP: "", **dict(AREAS)}
    areas = []
    for key in (TOP, *dict(AREAS)):
        rows = sorted((row for row in visible if row[0].area == key), key=lambda row: (row[0].order, row[0].label))
        if rows:
            links = [NavLink(entry.label, url, entry.icon, url == active) for entry, url in rows]
            areas.append(NavArea(key, headings[key], links))
    return areas


def sidebar_html(areas: Iterable[NavArea]) -> SafeString:
    """The sidebar's areas as HTML, written in Python: it is on every page, and the
    template loop cost about a millisecond a page (the same markup, escaped alike). The
    markup of the same links is kept (a few role sets times the active entry)."""
    return _sidebar_markup(tuple((area.key, area.label, tuple(area.links)) for area in areas))


@functools.lru_cache(maxsize=512)
def _sidebar_markup(areas: tuple[tuple[str, str, tuple[NavLink, ...]], ...]) -> SafeString:
    parts = []
    for area_key, area_label, area_links in areas:
        key = esc(area_key)
        parts.append('      <div class="sidebar-area">\n')
        if area_label:
            parts.append(f'        <div class="sidebar-heading" id="nav-area-{key}">{esc(area_label)}</div>\n')
        labelled = f' aria-labelledby="nav-area-{key}"' if area_label else ""
        parts.append(f'        <ul class="sidebar-links"{labelled} data-area="{key}">\n')
        for link in area_links:
            active = " active" if link.active else ""
            current = ' aria-current="page"' if link.active else ""
            parts.append(
                f'          <li><a class="sidebar-link{active}" href="{esc(link.url)}"{current}>'
                f'<i class="ti ti-{esc(link.icon)}" aria-hidden="true"></i><span>{esc(link.label)}</span></a></li>\n'
            )
        parts.append("        </ul>\n      </div>\n")
    return mark_safe("".join(parts))  # noqa: S308  (every value above is escaped)


def user_menu_html(links: Iterable[NavLink]) -> SafeString:
    """The user menu's entries as HTML (see :func:`sidebar_html`)."""
    parts = []
    for link in links:
        active = " active" if link.active else ""
        current = ' aria-current="page"' if link.active else ""
        parts.append(
            f'            <li><a class="dropdown-item{active}" href="{esc(link.url)}"{current}>'
            f'<i class="ti ti-{esc(link.icon)}" aria-hidden="true"></i>{esc(link.label)}</a></li>\n'
        )
    return mark_safe("".join(parts))  # noqa: S308  (every value above is escaped)


def user_menu_for(user: Any, path: str) -> list[NavLink]:
    rows = [(entry, entry.url_for(user)) for entry in sorted(USER_MENU, key=lambda e: (e.order, e.label)) if entry.visible(user)]
    return [NavLink(entry.label, url, entry.icon, url == path) for entry, url in rows if url is not None]


# --- Timeline sources ------------------------------------------------------------------

TimelineSource = Callable[..., Iterable[Any]]
TIMELINE_SOURCES: dict[type, list[TimelineSource]] = {}


def timeline_source(model: type) -> Callable[[TimelineSource], TimelineSource]:
    """Register ``function(actor, subject, limit)`` as a source of ``model``'s timeline:
    it yields at most ``limit`` entries, newest first, in one bounded query."""

    def decorator(function: TimelineSource) -> TimelineSource:
        sources = TIMELINE_SOURCES.setdefault(model, [])
        name = (function.__module__, function.__qualname__)
        sources[:] = [old for old in sources if (old.__module__, old.__qualname__) != name]
        sources.append(function)
        return function

    return decorator


def timeline_sources(model: type) -> list[TimelineSource]:
    return list(TIMELINE_SOURCES.get(model, ()))


# --- Record tabs ----------------------------------------------------------------------------

#: The key of a record's first tab, where sections go unless they name another.
OVERVIEW = "overview"


@dataclass(frozen=True)
class RecordTab:
    """A tab of a record's pages: ``url_name`` takes the record's ``<model>_id`` kwarg."""

    model: type
    key: str
    label: str
    url_name: str
    icon: str
    order: int = 100
    visible: Callable[[Any, Any], bool] | None = None  # (viewer, record) -> shown


RECORD_TABS: dict[type, dict[str, RecordTab]] = {}


def record_tab(
    model: type, *, key: str, label: str, url_name: str, icon: str, order: int = 100,
    visible: Callable[[Any, Any], bool] | None = None,
) -> RecordTab:
    """Register (or replace, by ``key``) a tab of ``model``'s record pages."""
    tab = RecordTab(model, key, label, url_name, icon, order, visible)
    RECORD_TABS.setdefault(model, {})[key] = tab
    return tab


def record_tabs(model: type, viewer: Any = None, record: Any = None) -> list[RecordTab]:
    """``model``'s tabs in order, those ``viewer`` may see of ``record``."""
    tabs = sorted(RECORD_TABS.get(model, {}).values(), key=lambda tab: (tab.order, tab.key))
    return [tab for tab in tabs if tab.visible is None or viewer is None or tab.visible(viewer, record)]


@dataclass(frozen=True)
class TabLink:
    key: str
    label: str
    url: str
    icon: str
    active: bool = False


def record_tab_links(viewer: Any, record: Any, active: str) -> list[TabLink]:
    """The tab strip of ``record``'s pages for ``viewer``: each visible tab's link (its
    ``url_name`` reversed with ``<model_name>_id``), ``active`` marked."""
    kwarg = f"{type(record)._meta.model_name}_id"
    return [
        TabLink(tab.key, tab.label, reverse(tab.url_name, kwargs={kwarg: record.pk}), tab.icon, tab.key == active)
        for tab in record_tabs(type(record), viewer, record)
    ]


# --- Record sections ------------------------------------------------------------------------

SectionContext = Callable[[Any, Any], dict[str, Any] | None]


@dataclass(frozen=True)
class RecordSection:
    """A section of a record's page: ``template`` rendered with the page's context plus
    ``section`` (what ``context(viewer, record)`` answers), in ``slot`` (``"main"``, the
    wide column, or ``"side"``) of the record's tab ``tab``, by ``order``."""

    model: type
    key: str
    template: str
    context: SectionContext
    slot: str = "main"
    order: int = 100
    tab: str = OVERVIEW


@dataclass(frozen=True)
class ShownSection:
    key: str
    template: str
    slot: str
    context: dict[str, Any]


RECORD_SECTIONS: dict[type, list[RecordSection]] = {}
SLOTS = ("main", "side")


def record_section(
    *, model: type, key: str, template: str, context: SectionContext, slot: str = "main", order: int = 100,
    tab: str = OVERVIEW,
) -> RecordSection:
    """Register a section of ``model``'s record page (registering ``key`` again
    replaces it), on the record's tab ``tab`` (the overview unless said).
    ``context(viewer, record)`` answers the section's context, or ``None`` when the
    viewer has nothing to see there."""
    if slot not in SLOTS:
        raise ValueError(f"Unknown section slot {slot!r}; the slots are {', '.join(SLOTS)}.")
    section = RecordSection(model=model, key=key, template=template, context=context, slot=slot, order=order, tab=tab)
    sections = RECORD_SECTIONS.setdefault(model, [])
    sections[:] = [old for old in sections if old.key != key]
    sections.append(section)
    return section


def record_sections(viewer: Any, record: Any, tab: str = OVERVIEW) -> dict[str, list[ShownSection]]:
    """The sections of ``record``'s tab ``tab`` that ``viewer`` sees, by slot, in order
    (only that tab's sections are worked out)."""
    shown: dict[str, list[ShownSection]] = {slot: [] for slot in SLOTS}
    for section in sorted(RECORD_SECTIONS.get(type(record), ()), key=lambda item: (item.order, item.key)):
        if section.tab != tab:
            continue
        context = section.context(viewer, record)
        if context is not None:
            shown[section.slot].append(ShownSection(section.key, section.template, section.slot, context))
    return shown


# --- Hooks set by the app that owns the data --------------------------------------------------


@dataclass
class _Hooks:
    calendar_time_zone: Callable[[], str] | None = None
    token_authenticate: Callable[[str], Any] | None = None


HOOKS = _Hooks()


def calendar_provider(function: Callable[[], str]) -> Callable[[], str]:
    """Register the function answering the organisation's time-zone name (people's
    calendar); the daily-job scheduler asks it what "today" is."""
    HOOKS.calendar_time_zone = function
    return function


def token_authenticator(function: Callable[[str], Any]) -> Callable[[str], Any]:
    """Register the function turning a bearer secret into a live access token (or None)."""
    HOOKS.token_authenticate = function
    return function


def organisation_time_zone() -> str:
    if HOOKS.calendar_time_zone is None:
        raise RuntimeError("No calendar provider is registered (the people app registers one).")
    return HOOKS.calendar_time_zone()


def authenticate_token(secret: str) -> Any:
    if HOOKS.token_authenticate is None:
        raise RuntimeError("No token authenticator is registered (the people app registers one).")
    return HOOKS.token_authenticate(secret)

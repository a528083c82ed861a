"""Form widgets tuned for list pages.

:class:`FastSelect` renders its ``<select>`` in Python instead of one template include
per option. A filter bar with a few dozen options took milliseconds of every list page
that way, a large share of the P2 budget (QUALITY.md). The HTML is the same as Django's
``Select``: same attributes (``id``, ``aria-*``, ``required``), escaped values, selected
option marked. :class:`FastInputRenderer` does the same for ``<input>`` widgets (a form
opts in with ``default_renderer``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.forms.renderers import DjangoTemplates
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe


def _options(choices: Iterable[Any], selected: set[str]) -> SafeString:
    parts: list[str] = []
    for value, label in choices:
        if isinstance(label, list | tuple):
            parts.append(format_html('<optgroup label="{}">{}</optgroup>', value, _options(label, selected)))
            continue
        text = "" if value is None else str(value)
        parts.append(
            format_html(
                '<option value="{}"{}>{}</option>', text, mark_safe(" selected") if text in selected else "", label
            )
        )
    return mark_safe("".join(parts))  # noqa: S308 (every part built by format_html)


class FastSelect(forms.Select):
    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        selected = {str(item) for item in self.format_value(value)}
        if not self.allow_multiple_selected and len(selected) > 1:
            selected = {next(iter(selected))}
        return format_html("<select{}>{}</select>", flatatt(final_attrs), _options(self.choices, selected))


# Django's <input> widgets: each template below only includes input.html.
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("input", "text", "search", "hidden", "checkbox", "date", "email", "number", "url", "tel")
)


def render_input(widget: dict[str, Any]) -> str:
    """What ``django/forms/widgets/input.html`` (with ``attrs.html``) writes for a
    widget context, to the byte: values through ``stringformat:'s'`` then escaped, boolean
    attributes bare, ``False`` ones left out."""
    parts = [f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"']
    if widget["value"] is not None:
        parts.append(f' value="{escape(str(widget["value"]))}"')
    for name, value in widget["attrs"].items():
        if value is False:
            continue
        parts.append(f" {conditional_escape(name)}" if value is True else f' {conditional_escape(name)}="{escape(str(value))}"')
    parts.append(">")
    return "".join(parts)


class FastInputRenderer(DjangoTemplates):
    """Django's form renderer, except that ``<input>`` widgets are written in Python (the
    same HTML as their templates, :func:`render_input`) instead of two template renders
    each: a list page's filter bar renders up to eight of them on every request."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name in INPUT_TEMPLATES:
            return render_input(context["widget"])
        return str(super().render(template_name, context, request))

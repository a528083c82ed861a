"""Form widgets tuned for list pages.

:class:`FastSelect` renders its ``<select>`` in Python instead of one template include
per option. A filter bar with a few dozen options took milliseconds of every list page
that way, a large share of the P2 budget (QUALITY.md). The HTML is the same as Django's
``Select``: same attributes (``id``, ``aria-*``, ``required``), escaped values, selected
option marked.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
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

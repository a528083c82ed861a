"""Form classes and widgets every app's pages share.

* :class:`StyledForm` (and :class:`StyledFormMixin` for Django's own forms, such as the
  password forms) gives each widget Bootstrap's class: ``form-check-input`` for check
  boxes and radio buttons, ``form-select`` for selects, ``form-control`` for the rest.
  Django itself adds ``aria-invalid`` and ``aria-describedby`` (help text and errors).
* :class:`VersionedForm` edits a record: it carries the ``version`` the record was read
  at (hidden), which the view passes to the service as ``expected_version``.
* :class:`DateInput`, :class:`TimeInput` and :class:`DateTimeInput` are the browser's
  native pickers, with the value written in the format those pickers read.
* :class:`~tandem.core.widgets.FastSelect` (re-exported here) writes a ``<select>`` in
  Python instead of one template include per option (the same elements and attributes
  as Django's ``Select``). A field asks for it explicitly, ``widget=FastSelect`` (or
  ``widget = FastSelect`` on a ``ModelChoiceField`` subclass): Tandem's forms do so for
  each single-choice select, which matters most on list filter bars (rendered on every
  request) and long option lists (time zones, people). A field left with Django's
  ``Select`` keeps it; nothing swaps widget classes behind a field's back.
* :class:`~tandem.core.widgets.FastInputRenderer` does the same for ``<input>`` widgets;
  a form opts in with ``default_renderer = FastInputRenderer()``.
"""

from __future__ import annotations

from typing import Any

from django import forms

from tandem.core.widgets import FastInputRenderer, FastSelect

__all__ = [
    "DateInput",
    "DateTimeInput",
    "FastInputRenderer",
    "FastSelect",
    "StyledForm",
    "StyledFormMixin",
    "TimeInput",
    "VersionedForm",
]

_CHECKABLE = (forms.CheckboxSelectMultiple, forms.RadioSelect, forms.CheckboxInput)


def widget_class(widget: forms.Widget) -> str | None:
    """The Bootstrap class of ``widget``, ``None`` for a hidden one."""
    if isinstance(widget, _CHECKABLE):
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return "form-select"
    if widget.is_hidden:
        return None
    return "form-control"


class StyledFormMixin:
    """Gives widgets Bootstrap's classes (a class set on the widget is kept). A form
    that adds fields after ``__init__`` calls :meth:`style_widgets` again."""

    fields: dict[str, forms.Field]

    def style_widgets(self) -> None:
        for field in self.fields.values():
            css_class = widget_class(field.widget)
            if css_class is not None:
                field.widget.attrs.setdefault("class", css_class)


class StyledForm(StyledFormMixin, forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()


class VersionedForm(StyledForm):
    """A form that creates or edits a record; editing (``editing=True``), it carries the
    hidden ``version`` the record was read at, required."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["version"].required = True
        else:
            del self.fields["version"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%H:%M")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")

import pytest
from django import forms

from tandem.core.widgets import FastInputRenderer, FastSelect


class ChoiceForm(forms.Form):
    pick = forms.ChoiceField(
        required=True,
        choices=[("", "Any"), ("x", 'X <b>"'), ("Group", [("g1", "G1"), ("g2", "G2")])],
        widget=FastSelect(attrs={"class": "form-select"}),
    )


def test_fast_select_renders_escaped_options_with_the_selection_and_field_attributes():
    html = str(ChoiceForm({"pick": "g2"})["pick"])
    assert html == (
        '<select class="form-select" id="id_pick" name="pick" required>'
        '<option value="">Any</option>'
        '<option value="x">X &lt;b&gt;&quot;</option>'
        '<optgroup label="Group"><option value="g1">G1</option><option value="g2" selected>G2</option></optgroup>'
        "</select>"
    )


def test_fast_select_marks_invalid_fields_for_assistive_technology():
    form = ChoiceForm({"pick": "nope"})
    assert not form.is_valid()
    html = str(form["pick"])
    assert 'aria-invalid="true"' in html and "selected" not in html


class InputsForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, help_text="Words")
    on = forms.BooleanField(required=False)
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    email = forms.EmailField(required=False, widget=forms.EmailInput(attrs={"autofocus": True, "disabled": False}))


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"q": 'a "quoted" <b>&amp;</b>', "on": "on", "day": "2026-02-03", "hidden": "x'y", "email": "a@b.test"},
        {"q": "", "on": "", "day": "not a date", "email": "nope"},  # invalid values are shown back, errors marked
    ],
)
def test_fast_input_renderer_writes_what_the_templates_write(data):
    class FastInputsForm(InputsForm):
        default_renderer = FastInputRenderer()

    slow, fast = InputsForm(data), FastInputsForm(data)
    if data is not None:
        slow.is_valid(), fast.is_valid()
    for name in InputsForm.base_fields:
        assert str(fast[name]) == str(slow[name]), name

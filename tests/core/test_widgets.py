from django import forms

from tandem.core.widgets import FastSelect


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

from django import forms
from django.test.html import parse_html

from tandem.core.forms import DateInput, DateTimeInput, FastSelect, StyledForm, TimeInput

CHOICES = [("", "Any"), ("a", "A & <b>"), ("b", "B")]


class PlainForm(StyledForm):
    pick = forms.ChoiceField(choices=CHOICES, required=False)
    name = forms.CharField(required=False, help_text="Words")
    on = forms.BooleanField(required=False)
    many = forms.MultipleChoiceField(
        choices=CHOICES[1:], widget=forms.CheckboxSelectMultiple, required=False
    )
    secret = forms.CharField(widget=forms.HiddenInput, required=False)
    day = forms.DateField(widget=DateInput, required=False)
    at = forms.TimeField(widget=TimeInput, required=False)
    when = forms.DateTimeField(widget=DateTimeInput, required=False)


class FastForm(PlainForm):
    pick = forms.ChoiceField(choices=CHOICES, required=False, widget=FastSelect)


def test_styled_form_gives_each_widget_its_bootstrap_class_and_keeps_hidden_ones_bare():
    form = PlainForm()
    classes = {name: field.widget.attrs.get("class") for name, field in form.fields.items()}
    assert classes == {
        "pick": "form-select",
        "name": "form-control",
        "on": "form-check-input",
        "many": "form-check-input",
        "secret": None,
        "day": "form-control",
        "at": "form-control",
        "when": "form-control",
    }


def test_a_plain_select_is_left_a_django_select_no_class_swap():
    assert type(PlainForm().fields["pick"].widget) is forms.Select
    assert type(FastForm().fields["pick"].widget) is FastSelect


def test_fast_select_writes_html_equivalent_to_django_select_in_a_styled_form():
    for data in (None, {"pick": "a"}, {"pick": "nope"}):
        slow, fast = PlainForm(data), FastForm(data)
        if data is not None:
            slow.is_valid(), fast.is_valid()
        assert parse_html(str(fast["pick"])) == parse_html(str(slow["pick"]))
    assert str(FastForm({"pick": "a"})["pick"]) == (
        '<select class="form-select" id="id_pick" name="pick">'
        '<option value="">Any</option><option value="a" selected>A &amp; &lt;b&gt;</option>'
        '<option value="b">B</option></select>'
    )


def test_date_and_time_inputs_write_the_formats_browser_pickers_read():
    import datetime as dt

    form = PlainForm(
        initial={
            "day": dt.date(2026, 3, 4),
            "at": dt.time(9, 5),
            "when": dt.datetime(2026, 3, 4, 9, 5, 7),
        }
    )
    assert 'type="date"' in str(form["day"]) and 'value="2026-03-04"' in str(form["day"])
    assert 'type="time"' in str(form["at"]) and 'value="09:05"' in str(form["at"])
    assert 'type="datetime-local"' in str(form["when"]) and 'value="2026-03-04T09:05"' in str(
        form["when"]
    )

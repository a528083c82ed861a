"""Forms of the contract pages. They parse; the services decide
(:mod:`tandem.commercial.services.contracts`), their ``ValidationError``s come back next
to the fields (:func:`tandem.core.web.form_save`)."""

from __future__ import annotations

from typing import Any

from django import forms

from tandem.clients.form_fields import UserChoiceField
from tandem.commercial.models import Contract, ContractKind, Party, PricingStrategy, RoundOutcome
from tandem.core.forms import DateInput, FastSelect, StyledForm, VersionedForm
from tandem.people.models import User


def money_field(label: str, **kwargs: Any) -> forms.DecimalField:
    """An amount: up to 14 digits before the point, 2 after, not negative."""
    return forms.DecimalField(label=label, max_digits=16, decimal_places=2, min_value=0, **kwargs)


class ContractForm(VersionedForm):
    title = forms.CharField(label="Title", max_length=200)
    kind = forms.ChoiceField(label="Type", choices=ContractKind.choices, initial=ContractKind.STATEMENT_OF_WORK, widget=FastSelect)
    pricing_strategy = forms.ChoiceField(label="Pricing", choices=PricingStrategy.choices, widget=FastSelect)
    owner = UserChoiceField(label="Account manager", queryset=User.objects.none(), required=False, empty_label="The account's manager")
    value = money_field("Contract value")
    monthly_amount = money_field("Monthly recurring amount", required=False, initial=0,
                                        help_text="Billed each month of the term while the contract is active.")
    currency = forms.CharField(label="Currency", max_length=3, min_length=3, help_text="ISO 4217 code, e.g. EUR.")
    start_date = forms.DateField(label="Starts", widget=DateInput)
    end_date = forms.DateField(label="Ends", required=False, widget=DateInput, help_text="Leave empty for an open-ended contract.")
    auto_renew = forms.BooleanField(label="Renews by itself at the end of its term", required=False)
    renewal_term_months = forms.IntegerField(label="Renewal term (months)", min_value=1, max_value=120, initial=12)
    notice_days = forms.IntegerField(label="Notice period (days)", min_value=0, max_value=3650, initial=60)
    terms = forms.CharField(label="Terms", required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, owners: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if owners is not None:
            self.fields["owner"].queryset = owners  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(contract: Contract) -> dict[str, Any]:
        names = ("title", "kind", "pricing_strategy", "value", "monthly_amount", "currency", "start_date", "end_date",
                 "auto_renew", "renewal_term_months", "notice_days", "terms", "version")
        return {"owner": contract.owner_id, **{name: getattr(contract, name) for name in names}}

    def service_data(self) -> dict[str, Any]:
        data = {name: value for name, value in self.cleaned_data.items() if name != "version"}
        data["currency"] = data["currency"].upper()
        data["monthly_amount"] = data["monthly_amount"] or 0
        return data


class RoundForm(StyledForm):
    party = forms.ChoiceField(label="Who proposed", choices=Party.choices, widget=FastSelect)
    client_contact_name = forms.CharField(label="Client contact", max_length=200, required=False)
    value = money_field("Proposed value")
    monthly_amount = money_field("Proposed monthly amount", required=False, initial=0)
    terms = forms.CharField(label="Terms proposed", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["monthly_amount"] = data["monthly_amount"] or 0
        return data


class RoundOutcomeForm(StyledForm):
    outcome = forms.ChoiceField(
        label="Answer", widget=FastSelect,
        choices=[(value, label) for value, label in RoundOutcome.choices if value != RoundOutcome.PENDING],
    )
    note = forms.CharField(label="Note", required=False, max_length=2000)
    version = forms.IntegerField(widget=forms.HiddenInput)


class MilestoneForm(StyledForm):
    name = forms.CharField(label="Milestone", max_length=200)
    due_date = forms.DateField(label="Due", widget=DateInput)
    amount = money_field("Amount")


class MilestoneEditForm(MilestoneForm):
    """A milestone changed in place on the contract page (its row becomes this form)."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("name", "due_date", "amount")}


class DeclineRequestForm(StyledForm):
    reason = forms.CharField(
        label="Why is it declined?", max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept on the request and in its history.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class BillForm(StyledForm):
    on = forms.DateField(label="Billed on", widget=DateInput)
    version = forms.IntegerField(widget=forms.HiddenInput)


class TerminateForm(StyledForm):
    reason = forms.CharField(label="Why does it end early?", max_length=300)
    on = forms.DateField(label="Ends on", widget=DateInput)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ActivateForm(StyledForm):
    signed_on = forms.DateField(label="Signed on", widget=DateInput)
    version = forms.IntegerField(widget=forms.HiddenInput)

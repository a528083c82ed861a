"""The risk register's pages: the project's "Risks" tab (the register with filters and
sorting, the 5 × 5 heat map of open risks whose cells open the list filtered to them,
the exposure trend with its table, the add form, the project's SWOT analyses), the
organisation-wide list with CSV / XLSX export, a risk's page (all fields, history, edit,
"Mark occurred", "Turn the contingency plan into tasks", close / reopen) and the
account page's "Relationship risks" section with its add page.

Every write calls one service of :mod:`tandem.governance.services.risks`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.clients.models import Account
from tandem.clients.selectors import account_get
from tandem.core import export
from tandem.core.errors import ConflictError, PermissionDeniedError
from tandem.core.forms import DateInput, VersionedForm
from tandem.core.history import history_rows
from tandem.core.htmx import is_htmx
from tandem.core.permissions import policy_for, require_change
from tandem.core.registry import record_section
from tandem.core.web import form_save
from tandem.delivery import selectors as delivery_selectors
from tandem.delivery.models import Project, Task
from tandem.delivery.views.common import me_or_id, project_header
from tandem.governance.models import Risk, RiskCategory, RiskResponse, RiskStatus
from tandem.governance.selectors.comments import comment_thread
from tandem.governance.selectors.risks import (
    SORTS,
    RiskFilters,
    exposure_trend,
    heat_map,
    risk_get,
    risk_list,
    swot_list,
)
from tandem.governance.services import risks as services
from tandem.governance.services.risks import contingency_follow_ups, score_word
from tandem.governance.tabs import RELATIONSHIP_TAB
from tandem.governance.views.rows import (
    RISK_ROW_FIELDS,
    STATUS_BADGES,
    exposure_rows,
    heat_rows,
    risk_rows,
)

PAGE_SIZE = 50
PROBABILITY_WORDS = {1: "Rare", 2: "Unlikely", 3: "Possible", 4: "Likely", 5: "Almost certain"}
IMPACT_WORDS = {1: "Minor", 2: "Moderate", 3: "Significant", 4: "Major", 5: "Severe"}
FORM_FIELDS = ("title", "description", "category", "probability", "impact", "owner", "response",
               "mitigation_plan", "contingency_plan", "trigger", "review_date")


class RiskForm(VersionedForm):
    title = forms.CharField(label="Risk", max_length=200, help_text="What could happen, in a few words.")
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    category = forms.ChoiceField(label="Category", choices=RiskCategory.choices)
    probability = forms.TypedChoiceField(label="Probability", coerce=int,
                                         choices=[(n, f"{n} · {w}") for n, w in PROBABILITY_WORDS.items()])
    impact = forms.TypedChoiceField(label="Impact", coerce=int,
                                    choices=[(n, f"{n} · {w}") for n, w in IMPACT_WORDS.items()])
    owner = forms.TypedChoiceField(label="Owner", required=False, coerce=int, empty_value=None)
    response = forms.ChoiceField(label="Response", choices=RiskResponse.choices)
    trigger = forms.CharField(label="Trigger", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text="The sign that it is happening.")
    mitigation_plan = forms.CharField(label="Mitigation plan", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    contingency_plan = forms.CharField(label="Contingency plan", required=False,
                                       widget=forms.Textarea(attrs={"rows": 4}),
                                       help_text="One step a line; each becomes a task if the risk occurs.")
    review_date = forms.DateField(label="Review on", required=False, widget=DateInput())

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "Nobody yet"), *people]  # type: ignore[attr-defined]


def _people(risk_or_subject: Any) -> list[tuple[int, str]]:
    """Who may own a risk: the project's manager and team, or (account risks) active users."""
    project = risk_or_subject if isinstance(risk_or_subject, Project) else getattr(risk_or_subject, "project", None)
    if project is not None:
        people = {member.user_id: member.user.full_name or member.user.email
                  for member in delivery_selectors.project_team(project=project)}
        if project.manager is not None:
            people.setdefault(project.manager.pk, project.manager.full_name or project.manager.email)
        return sorted(people.items(), key=lambda pair: pair[1].lower())
    users = get_user_model().objects.filter(is_active=True).order_by("full_name", "email")[:500]
    return [(user.pk, user.full_name or user.email) for user in users]


def _form_data(form: RiskForm) -> dict[str, Any]:
    data = {name: form.cleaned_data[name] for name in FORM_FIELDS if name != "owner"}
    owner_id = form.cleaned_data.get("owner")
    data["owner"] = get_user_model().objects.filter(pk=owner_id, is_active=True).first() if owner_id else None
    if owner_id and data["owner"] is None:
        raise ValidationError({"owner": "Choose an active person."})
    return data


def _int(value: str, low: int = 1, high: int = 5) -> int | None:
    return int(value) if value.isdigit() and low <= int(value) <= high else None


def _filters(request: HttpRequest, **extra: Any) -> RiskFilters:
    params = request.GET
    status = params.get("status", "")
    category = params.get("category", "")
    owner = params.get("owner", "")
    return RiskFilters(
        status=status if status in RiskStatus.values else "",
        category=category if category in RiskCategory.values else "",
        owner_id=me_or_id(owner, request.user) if len(owner) < 12 else None,
        probability=_int(params.get("probability", "")), impact=_int(params.get("impact", "")),
        review_due=params.get("review") == "due", **extra,
    )


def _rows(risks: Any) -> list[dict[str, Any]]:
    rows = []
    for risk in risks:
        word, colour = score_word(risk.score)
        rows.append({"risk": risk, "score_word": word, "score_colour": colour,
                     "status_badge": STATUS_BADGES.get(risk.status, "secondary")})
    return rows


def _page(request: HttpRequest, queryset: Any, *, show_subject: bool = False) -> dict[str, Any]:
    """A page of :data:`PAGE_SIZE` rows (two queries: the count and the rows), its rows
    written by :func:`tandem.governance.views.rows.risk_rows`."""
    paginator = Paginator(queryset.values(*RISK_ROW_FIELDS), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    risks = list(page.object_list)
    params = request.GET.copy()
    params.pop("page", None)

    def link(number: int) -> str:
        params["page"] = str(number)
        return params.urlencode()

    return {
        "page": page, "rows": risks, "risk_rows": risk_rows(risks, show_subject=show_subject),
        "previous_query": link(page.previous_page_number()) if page.has_previous() else "",
        "next_query": link(page.next_page_number()) if page.has_next() else "",
    }


def _sort_links(request: HttpRequest, current: str) -> dict[str, str]:
    params = request.GET.copy()
    params.pop("page", None)
    links = {}
    for key in ("score", "title", "review", "status"):
        params["sort"] = f"-{key}" if current == key else key
        links[key] = params.urlencode()
    return links


def _heat(grid: list[list[int]], base_url: str) -> list[dict[str, Any]]:
    rows = []
    for index, counts in enumerate(grid):
        probability = 5 - index
        cells = []
        for column, count in enumerate(counts):
            impact = column + 1
            word, colour = score_word(probability * impact)
            cells.append({"impact": impact, "count": count, "word": word, "colour": colour,
                          "url": f"{base_url}?{urlencode({'status': 'open', 'probability': probability, 'impact': impact})}"})
        rows.append({"probability": probability, "word": PROBABILITY_WORDS[probability], "cells": cells})
    return rows


def _subject_url(risk: Risk) -> str:
    if risk.project_id is not None:
        return reverse("governance:project_risks", kwargs={"project_id": risk.project_id})
    return reverse("clients:account_detail", kwargs={"account_id": risk.account_id})


@login_required
@require_http_methods(["GET", "POST"])
def project_risks(request: HttpRequest, project_id: int) -> HttpResponse:
    """The project's register, heat map, exposure trend, add form and SWOT analyses.

    The add form is built only when asked for (``?add=1``): opening "Add a risk" fetches
    it with HTMX (the form alone); without JavaScript its link opens this page with the
    form in place. A POST that fails answers the page with the form and its errors (422).
    """
    actor = request.user
    project = delivery_selectors.project_page_get(actor=actor, project_id=project_id)
    can_change = policy_for(Risk).can_change(actor, Risk(project=project))
    form = None
    status = 200
    if request.method == "POST":
        if not can_change:
            raise PermissionDeniedError("Only the project's manager adds its risks.")
        form = posted = RiskForm(request.POST, people=_people(project))
        saved = form_save(form, lambda: services.risk_create(actor=actor, project=project, data=_form_data(posted)))
        if saved.saved:
            return HttpResponseRedirect(reverse("governance:risk_detail", kwargs={"risk_id": saved.returned.pk}))  # type: ignore[union-attr]
        status = 422 if saved.status == 200 else saved.status
    elif can_change and request.GET.get("add") == "1":
        form = RiskForm(people=_people(project))
        if is_htmx(request):
            return render(request, "governance/risks/_add_form.html", {"form": form, "list_url": request.path})
    sort = request.GET.get("sort", "score")
    sort = sort if sort in SORTS else "score"
    risks = risk_list(actor=actor, filters=_filters(request, project_id=project.pk), sort=sort)
    base = reverse("governance:project_risks", kwargs={"project_id": project.pk})
    trend = exposure_trend(project=project)
    context = {
        **project_header(project, "risks"),
        **_page(request, risks),
        "sort": sort, "sort_links": _sort_links(request, sort),
        "heat_rows": heat_rows(_heat(heat_map(risks=Risk.objects.filter(project=project)), base)),
        "impact_words": IMPACT_WORDS,
        "trend": trend, "exposure_rows": exposure_rows(trend),
        "trend_data": {"labels": [point.day.isoformat() for point in trend],
                       "exposure": [point.exposure for point in trend]},
        "form": form, "can_change": can_change,
        "filters": _filter_choices(request),
        "swots": list(swot_list(actor=actor, project=project).only("id", "title", "created_at")[:20]),
        "list_url": base,
    }
    return render(request, "governance/risks/project_risks.html", context, status=status)


def _filter_choices(request: HttpRequest) -> dict[str, Any]:
    return {
        "status": request.GET.get("status", ""), "category": request.GET.get("category", ""),
        "owner": request.GET.get("owner", ""), "probability": request.GET.get("probability", ""),
        "impact": request.GET.get("impact", ""), "review": request.GET.get("review", ""),
        "statuses": RiskStatus.choices, "categories": RiskCategory.choices,
    }


EXPORT_COLUMNS = (
    export.Column("Risk", "title"),
    export.Column("Project", lambda risk: f"{risk.project.code} {risk.project.name}" if risk.project else ""),
    export.Column("Account", lambda risk: risk.account.name if risk.account else ""),
    export.Column("Category", lambda risk: risk.get_category_display()),
    export.Column("Probability", "probability"),
    export.Column("Impact", "impact"),
    export.Column("Score", "score"),
    export.Column("Status", lambda risk: risk.get_status_display()),
    export.Column("Owner", lambda risk: (risk.owner.full_name or risk.owner.email) if risk.owner else ""),
    export.Column("Response", lambda risk: risk.get_response_display()),
    export.Column("Review on", "review_date"),
    export.Column("Trigger", "trigger"),
    export.Column("Mitigation plan", "mitigation_plan"),
    export.Column("Contingency plan", "contingency_plan"),
)


@login_required
@require_GET
def risk_list_page(request: HttpRequest) -> HttpResponseBase:
    """Every risk the viewer may see, with the register's filters; ``?format=csv|xlsx``
    exports the filtered rows."""
    actor = request.user
    sort = request.GET.get("sort", "score")
    sort = sort if sort in SORTS else "score"
    account = request.GET.get("account", "")
    extra = {"account_id": int(account)} if account.isdigit() and len(account) < 12 else {}
    risks = risk_list(actor=actor, filters=_filters(request, **extra), sort=sort)
    file_format = export.requested_format(request.GET)
    if file_format:
        return export.export_response(risks, EXPORT_COLUMNS, name="risks", file_format=file_format)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        **_page(request, risks, show_subject=True), "sort": sort, "sort_links": _sort_links(request, sort),
        "filters": {**_filter_choices(request), "account": account if extra else ""},
        "list_url": reverse("governance:risk_list"),
        "export_query": params.urlencode(),
    }
    return render(request, "governance/risks/risk_list.html", context)


def _version(request: HttpRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() and len(value) < 10 else None


@login_required
@require_http_methods(["GET", "POST"])
def risk_detail(request: HttpRequest, risk_id: int) -> HttpResponse:
    """The risk with all its fields, its history and its actions; POST saves the edit form."""
    actor = request.user
    risk = risk_get(actor=actor, risk_id=risk_id)
    can_change = policy_for(risk).can_change(actor, risk)
    status = 200
    form = None
    if request.method == "POST":
        require_change(actor, risk)
        form = posted = RiskForm(request.POST, people=_people(risk), editing=True)
        saved = form_save(form, lambda: services.risk_update(actor=actor, risk=risk, data=_form_data(posted),
                                                             expected_version=posted.cleaned_data["version"]))
        if saved.saved:
            return HttpResponseRedirect(reverse("governance:risk_detail", kwargs={"risk_id": risk.pk}))
        status = 422 if saved.status == 200 else saved.status
        risk = risk_get(actor=actor, risk_id=risk_id)
    elif can_change:
        initial = {name: getattr(risk, name) for name in FORM_FIELDS if name != "owner"}
        form = RiskForm(people=_people(risk), editing=True,
                        initial={**initial, "owner": risk.owner_id, "version": risk.version})
    word, colour = score_word(risk.score)
    made: list[Any] = []
    if risk.contingency_task_id is not None:
        made = list(Task.objects.filter(parent_id=risk.contingency_task_id).order_by("position", "id"))
    follow_ups = list(contingency_follow_ups(risk)) if risk.project_id is None else []
    context = {
        "risk": risk, "form": form, "can_change": can_change, "score_word": word, "score_colour": colour,
        "status_badge": STATUS_BADGES.get(risk.status, "secondary"),
        "probability_word": PROBABILITY_WORDS[risk.probability], "impact_word": IMPACT_WORDS[risk.impact],
        "contingency_done": risk.contingency_task_id is not None or bool(follow_ups),
        "contingency_tasks": made, "contingency_follow_ups": follow_ups,
        "subject_url": _subject_url(risk),
        "history": history_rows(risk, viewer=actor),
        "edit_open": request.GET.get("edit") == "1" or (form is not None and form.is_bound),
        "thread": comment_thread(actor, risk),
    }
    return render(request, "governance/risks/risk_detail.html", context, status=status)


def _action(request: HttpRequest, risk_id: int, write: Any, done: str) -> HttpResponse:
    actor = request.user
    risk = risk_get(actor=actor, risk_id=risk_id)
    require_change(actor, risk)
    url = reverse("governance:risk_detail", kwargs={"risk_id": risk.pk})
    from django.contrib import messages

    try:
        write(actor, risk)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return HttpResponseRedirect(url)
    except ConflictError as error:
        messages.error(request, error.message)
        return HttpResponseRedirect(url)
    messages.success(request, done)
    return HttpResponseRedirect(url)


@login_required
@require_POST
def risk_occurred(request: HttpRequest, risk_id: int) -> HttpResponse:
    make_tasks = request.POST.get("make_tasks") == "on"
    version = _version(request)
    return _action(request, risk_id, lambda actor, risk: services.risk_mark_occurred(
        actor=actor, risk=risk, expected_version=version, make_tasks=make_tasks),
        "Marked occurred." + (" Its contingency plan is now tasks." if make_tasks else ""))


@login_required
@require_POST
def risk_contingency(request: HttpRequest, risk_id: int) -> HttpResponse:
    return _action(request, risk_id, lambda actor, risk: services.risk_contingency_to_tasks(actor=actor, risk=risk),
                   "The contingency plan is now tasks.")


@login_required
@require_POST
def risk_close(request: HttpRequest, risk_id: int) -> HttpResponse:
    version = _version(request)
    return _action(request, risk_id, lambda actor, risk: services.risk_close(
        actor=actor, risk=risk, expected_version=version), "Closed.")


@login_required
@require_POST
def risk_reopen(request: HttpRequest, risk_id: int) -> HttpResponse:
    version = _version(request)
    return _action(request, risk_id, lambda actor, risk: services.risk_reopen(
        actor=actor, risk=risk, expected_version=version), "Reopened.")


@login_required
@require_POST
def risk_delete(request: HttpRequest, risk_id: int) -> HttpResponse:
    actor = request.user
    risk = risk_get(actor=actor, risk_id=risk_id)
    require_change(actor, risk)
    url = _subject_url(risk)
    services.risk_delete(actor=actor, risk=risk, expected_version=_version(request))
    return HttpResponseRedirect(url)


@login_required
@require_http_methods(["GET", "POST"])
def account_risk_create(request: HttpRequest, account_id: int) -> HttpResponse:
    """Add a relationship risk to an account (its account managers)."""
    actor = request.user
    account = account_get(actor=actor, account_id=account_id)
    if not policy_for(Risk).can_change(actor, Risk(account=account)):
        raise PermissionDeniedError("Only the account's managers add its relationship risks.")
    status = 200
    if request.method == "POST":
        form = posted = RiskForm(request.POST, people=_people(account))
        saved = form_save(form, lambda: services.risk_create(actor=actor, account=account, data=_form_data(posted)))
        if saved.saved:
            return HttpResponseRedirect(reverse("governance:risk_detail", kwargs={"risk_id": saved.returned.pk}))  # type: ignore[union-attr]
        status = 422 if saved.status == 200 else saved.status
    else:
        form = RiskForm(people=_people(account), initial={"category": RiskCategory.CLIENT, "owner": actor.pk})
    return render(request, "governance/risks/account_risk_create.html", {"account": account, "form": form},
                  status=status)


SECTION_SHOWN = 5


def relationship_risks_context(viewer: Any, account: Account) -> dict[str, Any] | None:
    """The account's relationship risks (open first by score) and its SWOT analyses;
    no section for who sees none and may add none."""
    risks = list(risk_list(actor=viewer, filters=RiskFilters(account_id=account.pk))
                 .order_by("status", "-score", "title")[: SECTION_SHOWN + 1])
    may_add = policy_for(Risk).can_change(viewer, Risk(account=account))
    swots = list(swot_list(actor=viewer, account=account)[:SECTION_SHOWN])
    if not risks and not may_add and not swots:
        return None
    return {
        "account": account, "rows": _rows(risks[:SECTION_SHOWN]), "more": len(risks) > SECTION_SHOWN,
        "may_add": may_add, "swots": swots,
        "list_url": f"{reverse('governance:risk_list')}?{urlencode({'account': account.pk})}",
        "today": timezone.localdate(),
    }


record_section(
    model=Account, key="governance.relationship_risks", template="governance/risks/_account_risks.html",
    context=relationship_risks_context, slot="main", order=45, tab=RELATIONSHIP_TAB,
)

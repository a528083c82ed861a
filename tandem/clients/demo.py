"""Demo data for clients (``tandem demo``, step ``clients``).

At scale 1.0 ("large", for benchmarks) the firm has 100,000 client accounts, about
300,000 contacts, 1,000,000 interactions over the last two years, 50,000 inquiries and
20,000 pieces of feedback; ``small`` (0.004, for trying Tandem) has 400 accounts and
0.4 % of the rest. Everything is laid relative to the day the
demo runs (``today``, local), in whole days before it, so nothing lies in the future
and the "needs attention" lists are true today: the same seed gives the same rows, the
same number of days ago. (The people step anchors on the calendar year instead; client
work needs "today" because overdue is relative to now.)

What makes it believable:

* **Lifecycles with history.** Long-standing customers, customers won during the two
  years, churned customers (some never more than prospects, a few who came back) and
  open prospects, each with its :class:`AccountStatusChange` rows, ``customer_since``
  and ``churned_on``.
* **Rhythm by tier.** Strategic accounts hear from their account manager every few
  days, the long tail every couple of months; strategic and key accounts get quarterly
  business reviews; interactions fall on working days in business hours (London).
  About one account in ten is *neglected*: its last contact is 1.4 to 3.5 times its
  check-in cadence ago. ``last_contact_at`` and ``check_in_due_at`` are computed exactly
  as the services keep them (:func:`tandem.clients.services.rules.check_in_due`).
* **Inquiries with real SLAs.** Received mostly in business hours; SLA hours by tier
  and priority, due times and response times in business hours are computed with
  :mod:`tandem.core.calendar` on the organisation calendar of the people step, as
  ``inquiry_create`` / ``record_first_response`` do. About 85 % are answered
  within the SLA; recent ones may still be open (some of them already late). Each
  answer is an outbound e-mail interaction linked to the inquiry.
* **Follow-ups** from interactions' next steps (most done, some overdue), **feedback**
  of every sentiment (more negative before a churn), and the accounts' needs, goals and
  challenges.
* **Owners** are the demo account managers; ``am@example.com`` owns 30 accounts in a
  small firm, 45 in a large one (a mix of tiers and lifecycles, five of them
  neglected, with overdue follow-ups and late inquiries), so the demo login has a
  realistic desk. About a third of long-tail accounts have no owner yet.
* **Today's work for every login** (:func:`_login_extras`): follow-ups due today, an
  urgent inquiry that arrived twenty minutes ago, inquiries assigned to the project
  manager and the member; then the ``notifications`` step runs the daily notification
  job's code, so each login opens on the unread notifications it would have.
* **Texts that fit their fields**: a description that fits the account's industry (and
  its name when the name says its trade: "Severn Brewing" is a brewery), contacts'
  titles that fit the size of their company, subjects and summaries that fit the
  interaction's kind and direction. Text choices reuse the draws the seed always made,
  so the rows of the large benchmark set are the same apart from their words (and the
  dozen rows of the logins' work for today).

Addresses are fictitious and cannot reach anyone: client domains end in the reserved
``.example`` top-level domain, telephone numbers come from Ofcom's drama ranges.
Accounts and contacts carry ``source="demo"``; others count as data the demo did not
make. Rows are generated and inserted account chunk by account chunk, so memory stays
flat at any scale; interactions and their links go in through
:func:`tandem.core.bulk.insert_objects` (``ctx.insert_objects``).
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from tandem.clients import rules
from tandem.clients.models import (
    Account,
    AccountItem,
    AccountStatusChange,
    Channel,
    CompanySize,
    Contact,
    Direction,
    Feedback,
    FollowUp,
    Inquiry,
    InquiryStatus,
    Interaction,
    InteractionKind,
    ItemKind,
    ItemStatus,
    Lifecycle,
    Priority,
    Sentiment,
    SlaRule,
    Source,
    Tier,
)
from tandem.clients.services.rules import (
    DEFAULT_SLA_HOURS,
    cadence_days_by_tier,
    check_in_due,
    effective_check_in_days,
)
from tandem.core import demo
from tandem.core.calendar import WorkingCalendar, add_business_hours, business_hours
from tandem.core.roles import Role
from tandem.people.demo import FIRST_NAMES, LAST_NAMES
from tandem.people.selectors import organisation_calendar

STEP = "clients"
ACCOUNTS_AT_LARGE = 100_000
INTERACTIONS_AT_LARGE = 1_000_000
INQUIRIES_AT_LARGE = 50_000
FEEDBACK_AT_LARGE = 20_000
HISTORY_DAYS = 730
AM_LOGIN = "am@example.com"
AM_LOGIN_ACCOUNTS = 45  # the demo login's desk in a large firm ...
AM_LOGIN_SMALL_DESK = 30  # ... and in a small one (under 3,000 accounts)
AM_LOGIN_NEGLECTED = 5
CHUNK_ACCOUNTS = 1000
WITHIN_SLA = 0.85
NEGLECTED_SHARE = 0.10
TWO_PLACES = Decimal("0.01")

TIERS = (Tier.STRATEGIC, Tier.KEY, Tier.STANDARD, Tier.LONG_TAIL)
TIER_WEIGHTS = (2, 10, 38, 50)
# Interactions a year while a customer, by tier; prospects get PROSPECT_RATE.
CUSTOMER_RATE: dict[str, float] = {
    Tier.STRATEGIC: 70.0,
    Tier.KEY: 30.0,
    Tier.STANDARD: 10.0,
    Tier.LONG_TAIL: 5.0,
}
PROSPECT_RATE = 6.0
INQUIRY_RATE: dict[str, float] = {
    Tier.STRATEGIC: 12.0,
    Tier.KEY: 6.0,
    Tier.STANDARD: 2.0,
    Tier.LONG_TAIL: 0.8,
}
CONTACTS_BY_TIER: dict[str, tuple[int, int]] = {
    Tier.STRATEGIC: (6, 12),
    Tier.KEY: (4, 7),
    Tier.STANDARD: (2, 4),
    Tier.LONG_TAIL: (1, 4),
}
# The demo login's desk: tiers and lifecycles of its 45 accounts.
AM_TIERS = (Tier.STRATEGIC,) * 3 + (Tier.KEY,) * 7 + (Tier.STANDARD,) * 15 + (Tier.LONG_TAIL,) * 20

# fmt: off
STEMS = (
    "Bright", "North", "Blue", "Silver", "Oak", "Stone", "River", "Cedar", "Harbour", "Summit",
    "Iron", "Clear", "Green", "Red", "Swift", "True", "Bold", "Kestrel", "Falcon", "Meridian",
    "Vertex", "Apex", "Nova", "Atlas", "Orbit", "Pioneer", "Beacon", "Crown", "Maple", "Willow",
    "Thames", "Pennine", "Cotswold", "Severn", "Mersey", "Tyne", "Clyde", "Avon", "Solent", "Fenland",
    "Granite", "Copper", "Amber", "Indigo", "Scarlet", "Golden", "Polar", "Lumen", "Quantum", "Vector",
)
ENDINGS = (
    "wave", "field", "point", "bridge", "gate", "works", "line", "stone", "path", "light",
    "ford", "brook", "wood", "mark", "view", "peak", "forge", "haven", "port", "well",
    "craft", "worth", "shore", "leaf", "star", "water", "vale", "ridge", "cross", "moor",
)
SECTOR_WORDS = (
    "Logistics", "Health", "Energy", "Foods", "Capital", "Analytics", "Systems", "Retail",
    "Housing", "Engineering", "Media", "Insurance", "Learning", "Travel", "Labs", "Partners",
    "Consulting", "Pharma", "Foundation", "Trust", "Council", "Brewing", "Motors", "Telecom",
)
SUFFIXES = ("Ltd", "Ltd", "Ltd", "plc", "Group", "LLP", "Holdings", "& Co", "", "", "")
INDUSTRIES = (
    "Financial services", "Retail", "Healthcare", "Public sector", "Higher education", "Manufacturing",
    "Logistics", "Energy and utilities", "Media and publishing", "Charity", "Professional services",
    "Travel and hospitality", "Telecommunications", "Insurance", "Pharmaceuticals", "Real estate",
)
# Sector words of company names that say the trade, and that trade's industry.
SECTOR_INDUSTRY = {
    "Logistics": "Logistics", "Health": "Healthcare", "Energy": "Energy and utilities", "Foods": "Manufacturing",
    "Capital": "Financial services", "Retail": "Retail", "Housing": "Real estate", "Engineering": "Manufacturing",
    "Media": "Media and publishing", "Insurance": "Insurance", "Learning": "Higher education",
    "Travel": "Travel and hospitality", "Consulting": "Professional services", "Partners": "Professional services",
    "Pharma": "Pharmaceuticals", "Foundation": "Charity", "Trust": "Charity", "Council": "Public sector",
    "Brewing": "Manufacturing", "Motors": "Retail", "Telecom": "Telecommunications",
}
# Trades narrower than their industry, described as themselves.
SECTOR_DESCRIPTIONS = {
    "Foods": "Food and drink producer", "Brewing": "Independent brewery with its own pubs",
    "Motors": "Car dealership group", "Engineering": "Precision engineering works", "Council": "Local authority",
}
INDUSTRY_DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "Financial services": ("Wealth manager for private clients", "Payments provider for small businesses",
                           "Regional building society"),
    "Retail": ("Online and high-street fashion retailer", "Chain of garden centres", "Specialist outdoor equipment shop"),
    "Healthcare": ("Group of private clinics", "Home-care provider", "Digital health start-up running virtual GP visits"),
    "Public sector": ("Local authority digital services team", "Government agency for licensing",
                      "Regional transport authority"),
    "Higher education": ("University with three campuses", "Further-education college", "Online course provider"),
    "Manufacturing": ("Maker of industrial pumps", "Food and drink producer", "Precision engineering works"),
    "Logistics": ("Freight forwarder", "Last-mile delivery network", "Warehousing and fulfilment provider"),
    "Energy and utilities": ("Renewable energy supplier", "Water utility", "Installer of heat pumps and solar panels"),
    "Media and publishing": ("Magazine publisher", "Independent television production company", "News website"),
    "Charity": ("National charity supporting carers", "Environmental charity", "Housing charity"),
    "Professional services": ("Law firm", "Accountancy practice", "Management consultancy"),
    "Travel and hospitality": ("Boutique hotel group", "Tour operator", "Restaurant chain"),
    "Telecommunications": ("Business broadband provider", "Mobile network reseller", "Fibre network builder"),
    "Insurance": ("Specialist insurer for small businesses", "Insurance broker", "Pet insurance provider"),
    "Pharmaceuticals": ("Generic medicines manufacturer", "Clinical research organisation", "Biotech research company"),
    "Real estate": ("Commercial property manager", "Estate agency group", "Housing association"),
}
SMALL_FIRM_TITLES = frozenset({
    "Chief Executive", "Chief Operating Officer", "Finance Director", "Operations Manager", "Marketing Manager",
    "Customer Service Lead", "Accounts Payable", "Head of Digital",
})  # fmt: skip
NOTE_SUMMARIES = (
    "For the team: they are comparing our day rates with a cheaper supplier.",
    "The sponsor is moving to another role; need to meet the successor.",
    "Heard they are talking to a competitor about the support contract.",
    "Budget freeze expected until the new financial year.",
    "They are happy with delivery; good moment to propose the next phase.",
    "Invoice disputes keep coming back; finance should call them.",
    "Procurement changes their framework next quarter: watch the renewal.",
    "Nothing to act on yet; keep an eye on the hiring freeze.",
)
COUNTRIES = (  # country, weight, currency, time zone, language, cities, phone prefix
    ("United Kingdom", 60, "GBP", "Europe/London", "en-gb",
     ("London", "Manchester", "Leeds", "Bristol", "Birmingham", "Edinburgh", "Glasgow", "Cardiff", "Belfast",
      "Newcastle", "Nottingham", "Cambridge", "Oxford", "Brighton", "Sheffield"), "+44 20 7946 0"),
    ("Ireland", 6, "EUR", "Europe/Dublin", "en-ie", ("Dublin", "Cork", "Galway"), "+353 20 913 "),
    ("Germany", 7, "EUR", "Europe/Berlin", "de", ("Berlin", "Munich", "Hamburg", "Frankfurt"), "+49 30 23125 "),
    ("France", 5, "EUR", "Europe/Paris", "fr", ("Paris", "Lyon", "Lille"), "+33 1 99 00 "),
    ("Netherlands", 5, "EUR", "Europe/Amsterdam", "nl", ("Amsterdam", "Rotterdam", "Utrecht"), "+31 20 799 "),
    ("Sweden", 3, "EUR", "Europe/Stockholm", "sv", ("Stockholm", "Gothenburg"), "+46 8 465 0"),
    ("United States", 10, "USD", "America/New_York", "en-us", ("New York", "Boston", "Chicago", "Austin"),
     "+1 202 555 0"),
    ("Canada", 4, "USD", "America/Toronto", "en-ca", ("Toronto", "Vancouver", "Montreal"), "+1 613 555 0"),
)
JOB_TITLES = (
    ("Chief Executive", "Executive", "sponsor", True), ("Chief Operating Officer", "Operations", "sponsor", True),
    ("Chief Technology Officer", "Technology", "sponsor", True), ("Finance Director", "Finance", "buyer", True),
    ("Head of Digital", "Digital", "sponsor", True), ("IT Director", "Technology", "decision maker", True),
    ("Procurement Manager", "Procurement", "buyer", False), ("Product Owner", "Digital", "day-to-day contact", False),
    ("Marketing Manager", "Marketing", "user", False), ("Operations Manager", "Operations", "user", False),
    ("Programme Manager", "Transformation", "day-to-day contact", False), ("Data Lead", "Technology", "user", False),
    ("Customer Service Lead", "Service", "user", False), ("Head of HR", "People", "stakeholder", False),
    ("Legal Counsel", "Legal", "stakeholder", False), ("Accounts Payable", "Finance", "invoices", False),
)
SUBJECTS: dict[str, tuple[str, ...]] = {
    InteractionKind.CALL: ("Check-in call", "Call about the next phase", "Budget call", "Catch-up on priorities",
                           "Call about the support contract", "Escalation call", "Renewal call"),
    InteractionKind.EMAIL: ("Proposal sent", "Meeting notes and actions", "Invoice query answered", "Timeline update",
                            "Introduction to the delivery team", "Renewal terms", "Monthly report"),
    InteractionKind.MEETING: ("Steering group", "Workshop on requirements", "Kick-off meeting", "Site visit",
                              "Lunch with the sponsor", "Roadmap planning"),
    InteractionKind.VIDEO: ("Video call: sprint review", "Video call: demo of the release", "Video call: check-in",
                            "Video call: planning"),
    InteractionKind.NOTE: ("Internal note: pricing", "Note: change of sponsor", "Note: competitor activity",
                           "Note: budget freeze rumoured"),
    InteractionKind.QBR: ("Quarterly business review",),
}
SUMMARIES = (
    "Went through progress against the plan; the client is broadly happy.",
    "They asked for a firmer date on the next release and more visibility of risks.",
    "Budget for next year is being set; they want options at two price points.",
    "New stakeholder joined; walked them through the engagement so far.",
    "Raised concerns about response times from support; agreed to review the process.",
    "Positive feedback on the last delivery; interest in a second workstream.",
    "Discussed renewal; procurement will come back with their terms.",
    "Short catch-up, nothing new to report.",
)
NEXT_STEPS = (
    "Send the revised proposal", "Share the release plan", "Book the next steering group",
    "Introduce the data team", "Draft the renewal quote", "Follow up on the open invoice",
    "Send case studies", "Arrange a workshop with their IT team",
)
INQUIRY_SUBJECTS = (
    "Question about the latest invoice", "Login problem on the staging site", "Request for a change to the scope",
    "When is the next release?", "Report needed for the board", "Urgent: production page not loading",
    "Can we add a user to the portal?", "Clarification on the statement of work", "Data export request",
    "Accessibility issue reported by a customer", "Quote for additional training",
)
RESOLUTIONS = (
    "Answered and confirmed with the client.", "Fixed in the last release.", "Change request raised and approved.",
    "Explained; no further action needed.", "Report sent.",
)
FEEDBACK_TEXT: dict[str, tuple[str, ...]] = {
    Sentiment.POSITIVE: ("The team went above and beyond on the launch.", "Really clear communication this quarter.",
                         "Very happy with the quality of the work.", "Quick turnaround on our urgent request, thank you."),
    Sentiment.NEUTRAL: ("Delivery was fine, though reporting could be clearer.", "Good work, a bit slower than planned.",
                        "No complaints; we would like more proactive ideas."),
    Sentiment.NEGATIVE: ("The last release slipped twice and nobody told us early.", "Support is too slow to respond.",
                         "Invoices do not match what was agreed.", "We feel we are not a priority for you any more."),
}
ITEMS: dict[str, tuple[str, ...]] = {
    ItemKind.NEED: ("Replace the legacy customer portal", "Single view of the customer", "Faster month-end reporting",
                    "Accessible public website (WCAG 2.2 AA)", "Self-service for routine requests"),
    ItemKind.GOAL: ("Cut support costs by 20 %", "Launch in two new markets", "Grow online sales by 15 %",
                    "Move to the cloud by year end", "Net Promoter Score above 40"),
    ItemKind.CHALLENGE: ("Skills shortage in the internal IT team", "Budget cut of 10 % this year",
                         "Data spread over five systems", "New regulation to meet by spring", "High staff turnover"),
}
CHURN_REASONS = ("Budget cut", "Moved the work in-house", "Chose a cheaper supplier", "Project finished, no follow-on",
                 "Acquired by a group with its own supplier")
LOST_REASONS = ("No budget this year", "Went with a competitor", "Went quiet", "Not a fit for our services")
WIN_REASONS = ("Contract signed", "Won the tender", "Statement of work signed", "Framework call-off")
# fmt: on


@dataclass
class Plan:
    """One account's story before its rows exist: lifecycle moves (days ago) and the
    span of days in which its people were in touch."""

    account: Account
    moves: list[tuple[str, str, int, str]]  # from, to, days ago, reason
    cadence: int
    neglected: bool
    active_span: tuple[int, int] | None  # first and last day (days ago) as a customer
    prospect_span: tuple[int, int] | None
    weight: float = 0.0
    inquiry_weight: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Chunk:
    """The rows of a chunk of accounts, inserted model by model."""

    accounts: list[Account] = field(default_factory=list)
    changes: list[AccountStatusChange] = field(default_factory=list)
    items: list[AccountItem] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    inquiries: list[Inquiry] = field(default_factory=list)
    interactions: list[Interaction] = field(default_factory=list)
    interaction_contacts: list[tuple[Interaction, Contact]] = field(default_factory=list)
    interaction_users: list[tuple[Interaction, Any]] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)
    feedback: list[Feedback] = field(default_factory=list)


class Clock:
    """Days before ``today`` as aware datetimes in the organisation's time zone."""

    def __init__(self, today: dt.date, calendar: WorkingCalendar) -> None:
        self.today = today
        self.calendar = calendar
        self.zone = calendar.time_zone

    def day(self, days_ago: int) -> dt.date:
        return self.today - dt.timedelta(days=days_ago)

    def working_day(self, days_ago: int) -> int:
        """``days_ago`` moved back to the last working day on or before it."""
        while not self.calendar.is_working_day(self.day(days_ago)):
            days_ago += 1
        return days_ago

    def at(self, days_ago: int, minutes: int) -> dt.datetime:
        """Local ``days_ago`` at ``minutes`` after midnight."""
        local = dt.datetime.combine(
            self.day(days_ago), dt.time(minutes // 60, minutes % 60), tzinfo=self.zone
        )
        return local.astimezone(dt.UTC)

    def business_moment(self, rng: random.Random, days_ago: int) -> dt.datetime:
        return self.at(self.working_day(days_ago), rng.randrange(9 * 60, 17 * 60 + 15))


def _hours(value: float) -> Decimal:
    return Decimal(str(value)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _company_names(rng: random.Random, count: int) -> list[str]:
    names: list[str] = []
    taken: set[str] = set()
    while len(names) < count:
        style = rng.random()
        if style < 0.55:
            base = rng.choice(STEMS) + rng.choice(ENDINGS)
        elif style < 0.85:
            base = f"{rng.choice(STEMS)} {rng.choice(SECTOR_WORDS)}"
        else:
            base = f"{rng.choice(LAST_NAMES)} & {rng.choice(LAST_NAMES)}"
        suffix = rng.choice(SUFFIXES)
        name = f"{base} {suffix}".strip()
        if name in taken:
            name = f"{base} {rng.choice(COUNTRIES[0][5])} {suffix}".strip()
        number = 2
        unique = name
        while unique in taken:
            unique, number = f"{name} ({number})", number + 1
        taken.add(unique)
        names.append(unique)
    return names


def _sector_word(name: str) -> str:
    """The trade word of a "Stem Sector" company name, if it has one."""
    words = name.split()
    return words[1] if len(words) > 1 and words[1] in SECTOR_INDUSTRY else ""


def _description(name: str, industry: str, variant: int, employees: int) -> str:
    """What the company does, in words that fit its name and industry, and its head count."""
    options = INDUSTRY_DESCRIPTIONS[industry]
    what = SECTOR_DESCRIPTIONS.get(_sector_word(name)) or options[variant % len(options)]
    return f"{what}, {employees:,} staff."


def _size(rng: random.Random, tier: str) -> tuple[str, int]:
    ranges: dict[str, tuple[int, int]] = {
        Tier.STRATEGIC: (1000, 40000),
        Tier.KEY: (250, 5000),
        Tier.STANDARD: (20, 1000),
        Tier.LONG_TAIL: (3, 250),
    }
    low, high = ranges[tier]
    employees = int(low * (high / low) ** rng.random())
    for size, limit in (
        (CompanySize.MICRO, 10),
        (CompanySize.SMALL, 50),
        (CompanySize.MEDIUM, 250),
        (CompanySize.LARGE, 1000),
    ):
        if employees < limit:
            return size, employees
    return CompanySize.ENTERPRISE, employees


Move = tuple[str, str, int, str]  # from, to, days ago, reason
Span = tuple[int, int] | None  # first and last day, in days ago


def _lifecycle(rng: random.Random, is_login_desk: bool) -> tuple[list[Move], Span, Span]:
    """Lifecycle moves (from, to, days ago, reason) and the customer / prospect spans."""
    draw = rng.random() * (0.8 if is_login_desk else 1.0)  # the login's desk: no lost prospects
    if draw < 0.52:  # a customer: long-standing, or won during the two years
        prospect_at = rng.randint(40, 2600)
        active_at = max(3, prospect_at - rng.randint(20, 240))
        moves: list[Move] = [
            ("", Lifecycle.PROSPECT, prospect_at, "created"),
            (Lifecycle.PROSPECT, Lifecycle.ACTIVE, active_at, rng.choice(WIN_REASONS)),
        ]
        return moves, (active_at, 1), (prospect_at, active_at)
    if draw < 0.66:  # churned customer
        churned_at = rng.randint(5, 900)
        active_at = churned_at + rng.randint(90, 1500)
        prospect_at = active_at + rng.randint(20, 240)
        moves = [
            ("", Lifecycle.PROSPECT, prospect_at, "created"),
            (Lifecycle.PROSPECT, Lifecycle.ACTIVE, active_at, rng.choice(WIN_REASONS)),
            (Lifecycle.ACTIVE, Lifecycle.CHURNED, churned_at, rng.choice(CHURN_REASONS)),
        ]
        return moves, (active_at, churned_at), (prospect_at, active_at)
    if draw < 0.69:  # churned, then came back
        back_at = rng.randint(10, 300)
        churned_at = back_at + rng.randint(60, 400)
        active_at = churned_at + rng.randint(200, 1200)
        prospect_at = active_at + rng.randint(20, 200)
        moves = [
            ("", Lifecycle.PROSPECT, prospect_at, "created"),
            (Lifecycle.PROSPECT, Lifecycle.ACTIVE, active_at, rng.choice(WIN_REASONS)),
            (Lifecycle.ACTIVE, Lifecycle.CHURNED, churned_at, rng.choice(CHURN_REASONS)),
            (Lifecycle.CHURNED, Lifecycle.ACTIVE, back_at, "Came back for a new project"),
        ]
        return moves, (back_at, 1), (prospect_at, active_at)
    if draw < 0.93 or is_login_desk:  # open prospect
        prospect_at = rng.randint(3, 700)
        only: list[Move] = [("", Lifecycle.PROSPECT, prospect_at, "created")]
        return only, None, (prospect_at, 1)
    lost_at = rng.randint(5, 700)  # a prospect that was dropped
    prospect_at = lost_at + rng.randint(20, 300)
    moves = [
        ("", Lifecycle.PROSPECT, prospect_at, "created"),
        (Lifecycle.PROSPECT, Lifecycle.CHURNED, lost_at, rng.choice(LOST_REASONS)),
    ]
    return moves, None, (prospect_at, lost_at)


def _span_days(span: tuple[int, int] | None) -> int:
    if span is None:
        return 0
    start = min(span[0], HISTORY_DAYS)
    return max(0, start - span[1])


def _desk_size(total: int) -> int:
    """The demo login's accounts: 30 in a small firm, up to 45 in a large one."""
    return min(AM_LOGIN_ACCOUNTS, max(AM_LOGIN_SMALL_DESK, total // 100))


def _plans(
    ctx: demo.DemoContext, rng: random.Random, clock: Clock, by_tier: dict[str, int]
) -> list[Plan]:
    """Every account with its story (unsaved), the demo login's desk first."""
    total = ctx.scaled(ACCOUNTS_AT_LARGE)
    logins = ctx.shared.get("people.logins", {})
    managers = list(ctx.shared.get("people.by_role", {}).get(Role.ACCOUNT_MANAGER, []))
    login = logins.get(AM_LOGIN)
    others = [user for user in managers if user != login] or managers
    desk = min(_desk_size(total), total) if login is not None else 0
    names = _company_names(rng, total)
    country_weights = [country[1] for country in COUNTRIES]
    plans: list[Plan] = []
    desk_neglected = 0
    for index, name in enumerate(names):
        on_desk = index < desk
        tier = AM_TIERS[index % len(AM_TIERS)] if on_desk else rng.choices(TIERS, TIER_WEIGHTS)[0]
        if on_desk:
            owner = login
        elif (tier == Tier.LONG_TAIL and rng.random() < 0.3) or not others:
            owner = None
        else:
            owner = rng.choice(others)
        country, _, currency, zone, language, cities, phone = rng.choices(
            COUNTRIES, country_weights
        )[0]
        size, employees = _size(rng, tier)
        domain = f"{_slug(name.split(' (')[0]).removesuffix('-ltd').removesuffix('-plc')}.example"
        moves, active_span, prospect_span = _lifecycle(rng, on_desk)
        _, last_to, last_ago, _ = moves[-1]
        # A name that says its trade ("Severn Brewing") sets the industry; the draw is
        # taken all the same, so every later row is the one the seed always gave.
        drawn = rng.choice(INDUSTRIES)
        industry = SECTOR_INDUSTRY.get(_sector_word(name), drawn)
        account = Account(
            name=name,
            industry=industry,
            size=size,
            employee_count=employees,
            annual_revenue=Decimal(employees * rng.randint(60, 220) * 1000),
            tier=tier,
            website=f"https://www.{domain}",
            domain=domain,
            phone=f"{phone}{rng.randrange(1000):03d}",
            city=rng.choice(cities),
            country=country,
            currency=currency,
            description=_description(name, industry, INDUSTRIES.index(rng.choice(INDUSTRIES)), employees),
            owner=owner,
            lifecycle=last_to,
            source=Source.DEMO,
            preferred_channel=rng.choice(
                (Channel.EMAIL, Channel.EMAIL, Channel.PHONE, Channel.VIDEO, "")
            ),
            meeting_rhythm={
                Tier.STRATEGIC: "Weekly stand-up, monthly steering group",
                Tier.KEY: "Monthly check-in",
                Tier.STANDARD: "Quarterly review",
                Tier.LONG_TAIL: "",
            }[tier],
            time_zone=zone,
            language=language,
            check_in_days=rng.choice((7, 21, 45)) if rng.random() < 0.04 else None,
        )
        active_moves = [ago for _, to, ago, _ in moves if to == Lifecycle.ACTIVE]
        if active_moves:
            account.customer_since = clock.day(active_moves[-1])
        if last_to == Lifecycle.CHURNED:
            account.churned_on = clock.day(last_ago)
        cadence = effective_check_in_days(account, by_tier)
        live = last_to != Lifecycle.CHURNED
        if on_desk:
            neglected = live and desk_neglected < AM_LOGIN_NEGLECTED
            desk_neglected += neglected
        else:
            neglected = live and rng.random() < NEGLECTED_SHARE
        plan = Plan(account, moves, cadence, neglected, active_span, prospect_span)
        plan.weight = CUSTOMER_RATE[tier] * _span_days(active_span) + PROSPECT_RATE * _span_days(
            prospect_span
        )
        plan.inquiry_weight = INQUIRY_RATE[tier] * _span_days(active_span)
        plans.append(plan)
    return plans


def _count(rng: random.Random, expected: float) -> int:
    whole = int(expected)
    return whole + (1 if rng.random() < expected - whole else 0)


def _contacts(rng: random.Random, plan: Plan) -> list[Contact]:
    account = plan.account
    low, high = CONTACTS_BY_TIER[account.tier]
    titles = list(JOB_TITLES)
    rng.shuffle(titles)
    if account.size in (CompanySize.MICRO, CompanySize.SMALL):
        # A firm of a few dozen has no procurement department or legal counsel.
        titles = [title for title in titles if title[0] in SMALL_FIRM_TITLES]
    contacts = []
    for number in range(rng.randint(low, high)):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        title, department, role, decides = titles[number % len(titles)]
        local = re.sub(r"[^a-z.]", "", f"{first}.{last}".lower().replace(" ", ""))
        contacts.append(
            Contact(
                account=account,
                first_name=first,
                last_name=last,
                email=f"{local}@{account.domain}",
                phone=f"+44 113 496 0{rng.randrange(1000):03d}" if rng.random() < 0.7 else "",
                mobile=f"+44 7700 900{rng.randrange(1000):03d}" if rng.random() < 0.5 else "",
                job_title=title,
                department=department,
                role=role,
                preferred_channel=rng.choice((Channel.EMAIL, Channel.PHONE, Channel.VIDEO, "")),
                is_primary=number == 0,
                is_decision_maker=decides,
                email_opt_out=rng.random() < 0.04,
                do_not_call=rng.random() < 0.03,
                is_active=number == 0 or rng.random() > 0.08,
                source=Source.DEMO,
            )
        )
    return contacts


def _touch_days(
    rng: random.Random, count: int, span: tuple[int, int], last: int | None
) -> list[int]:
    """``count`` working days (days ago) spread evenly, with jitter, over ``span``;
    with ``last``, the most recent one is that day."""
    start, end = min(span[0], HISTORY_DAYS), span[1]
    if count <= 0 or start <= end:
        return []
    step = (start - end) / count
    days = [int(start - (number + rng.uniform(0.1, 0.9)) * step) for number in range(count)]
    if last is not None:
        days[-1] = last
    return [max(1, day) for day in days]


def _interactions(
    rng: random.Random,
    clock: Clock,
    plan: Plan,
    contacts: list[Contact],
    logger: Any,
    factor: float,
    chunk: Chunk,
) -> None:
    account = plan.account
    cadence = plan.cadence
    live = account.lifecycle != Lifecycle.CHURNED
    for span, rate, customer in (
        (plan.prospect_span, PROSPECT_RATE, False),
        (plan.active_span, CUSTOMER_RATE[account.tier], True),
    ):
        if span is None:
            continue
        end = span[1]
        if live and end == 1 and plan.neglected:
            end = int(cadence * rng.uniform(1.4, 3.5))
        last = None
        if live and span[1] == 1 and not plan.neglected:
            last = rng.randint(1, max(1, int(cadence * 0.8)))
        expected = factor * rate * max(0, min(span[0], HISTORY_DAYS) - end) / 365
        days = _touch_days(rng, max(_count(rng, expected), 1 if last else 0), (span[0], end), last)
        quarter = -1
        for days_ago in days:
            kind = _kind(rng, account.tier, customer)
            if (
                customer
                and account.tier in (Tier.STRATEGIC, Tier.KEY)
                and days_ago // 91 != quarter
            ):
                kind, quarter = InteractionKind.QBR, days_ago // 91
            _interaction(rng, clock, account, kind, days_ago, contacts, logger, chunk)


def _kind(rng: random.Random, tier: str, customer: bool) -> str:
    if not customer:
        return rng.choices(
            (
                InteractionKind.EMAIL,
                InteractionKind.CALL,
                InteractionKind.MEETING,
                InteractionKind.NOTE,
            ),
            (5, 3, 1, 1),
        )[0]
    weights = (4, 5, 2, 2, 1) if tier in (Tier.STRATEGIC, Tier.KEY) else (4, 6, 1, 1, 1)
    return rng.choices(
        (
            InteractionKind.CALL,
            InteractionKind.EMAIL,
            InteractionKind.MEETING,
            InteractionKind.VIDEO,
            InteractionKind.NOTE,
        ),
        weights,
    )[0]


def _interaction(
    rng: random.Random,
    clock: Clock,
    account: Account,
    kind: str,
    days_ago: int,
    contacts: list[Contact],
    logger: Any,
    chunk: Chunk,
) -> None:
    occurred = clock.business_moment(rng, days_ago)
    is_note = kind == InteractionKind.NOTE
    live_meeting = kind in (InteractionKind.MEETING, InteractionKind.VIDEO, InteractionKind.QBR)
    next_steps = rng.choice(NEXT_STEPS) if not is_note and rng.random() < 0.25 else ""
    # Drawn in the order they always were (the same seed gives the same rows); the texts
    # fit the kind and direction: notes read as internal remarks, inbound e-mails as replies.
    direction = Direction.INTERNAL if is_note else rng.choice((Direction.OUTBOUND, Direction.OUTBOUND, Direction.INBOUND))
    if live_meeting:
        duration: int | None = rng.choice((30, 45, 60, 90))
    else:
        duration = rng.choice((10, 15, 20, 30)) if kind == InteractionKind.CALL else None
    subject = rng.choice(SUBJECTS[kind])
    if kind == InteractionKind.EMAIL and direction == Direction.INBOUND:
        subject = f"Re: {subject}"
    summary_index = SUMMARIES.index(rng.choice(SUMMARIES))
    interaction = Interaction(
        account=account,
        kind=kind,
        direction=direction,
        occurred_at=occurred,
        duration_minutes=duration,
        subject=subject,
        summary=(NOTE_SUMMARIES if is_note else SUMMARIES)[summary_index],
        next_steps=next_steps,
        meeting_link=f"https://meet.example/{rng.randrange(10**9):09d}"
        if kind == InteractionKind.VIDEO
        else "",
        logged_by=logger,
    )
    chunk.interactions.append(interaction)
    if contacts and not is_note:
        chunk.interaction_contacts.append((interaction, rng.choice(contacts)))
    if live_meeting and logger is not None:
        chunk.interaction_users.append((interaction, logger))
    if next_steps and logger is not None and rng.random() < 0.5:
        due_ago = days_ago - rng.randint(2, 21)
        done = rng.random() < (0.985 if due_ago > 14 else 0.6 if due_ago > 0 else 0.0)
        chunk.follow_ups.append(
            FollowUp(
                account=account,
                interaction=interaction,
                owner=logger,
                due_date=clock.day(due_ago),
                description=next_steps,
                done_at=clock.business_moment(
                    rng, max(1, min(days_ago, due_ago + rng.randint(-2, 3)))
                )
                if done
                else None,
            )
        )


def _inquiries(
    rng: random.Random,
    clock: Clock,
    plan: Plan,
    contacts: list[Contact],
    logger: Any,
    factor: float,
    chunk: Chunk,
    managers: Sequence[Any],
    sla_table: dict[tuple[str, str], Decimal],
) -> None:
    account = plan.account
    span = plan.active_span
    if span is None:
        return
    end = span[1]
    if plan.neglected and end == 1:
        end = int(plan.cadence * 4)  # neglected: nothing from them for a long while either
    start = min(span[0], HISTORY_DAYS)
    count = _count(rng, factor * INQUIRY_RATE[account.tier] * max(0, start - end) / 365)
    if plan.extra.get("late_inquiries"):
        count += plan.extra["late_inquiries"]
    calendar = clock.calendar
    for number in range(count):
        forced_late = number >= count - plan.extra.get("late_inquiries", 0)
        days_ago = (
            rng.randint(2, 4) if forced_late else rng.randint(max(1, end), max(1, end, start))
        )
        if rng.random() < 0.8 or forced_late:
            received = clock.business_moment(rng, days_ago)
        else:  # evenings and weekends: the SLA clock starts next working morning
            received = clock.at(
                days_ago,
                rng.choice((rng.randrange(6 * 60, 9 * 60), rng.randrange(17 * 60 + 30, 23 * 60))),
            )
        priority = (
            Priority.HIGH if forced_late else rng.choices(Priority.values, (20, 55, 20, 5))[0]
        )
        sla = sla_table[account.tier, priority]
        contact = rng.choice(contacts) if contacts else None
        inquiry = Inquiry(
            account=account,
            contact=contact,
            channel=rng.choice((Channel.EMAIL, Channel.EMAIL, Channel.PORTAL, Channel.PHONE)),
            subject=rng.choice(INQUIRY_SUBJECTS),
            body="Could you look into this, please?",
            priority=priority,
            assignee=logger if rng.random() < 0.9 or not managers else rng.choice(managers),
            received_at=received,
            sla_hours=sla,
            sla_due_at=add_business_hours(received, float(sla), calendar),
            status=InquiryStatus.OPEN,
        )
        chunk.inquiries.append(inquiry)
        within = rng.random() < WITHIN_SLA
        taken = float(sla) * (rng.uniform(0.05, 0.95) if within else rng.uniform(1.05, 3.0))
        answered = add_business_hours(received, taken, calendar)
        if forced_late or answered >= clock.at(0, 0) or (days_ago <= 3 and rng.random() < 0.5):
            continue  # not answered yet
        inquiry.first_response_at = answered
        inquiry.response_business_hours = _hours(business_hours(received, answered, calendar))
        inquiry.response_calendar_hours = _hours((answered - received).total_seconds() / 3600)
        inquiry.status = InquiryStatus.RESPONDED
        resolved = add_business_hours(answered, rng.uniform(0.5, 60), calendar)
        if resolved < clock.at(0, 0) and rng.random() < 0.9:
            inquiry.status, inquiry.resolved_at, inquiry.resolution = (
                InquiryStatus.RESOLVED,
                resolved,
                rng.choice(RESOLUTIONS),
            )
        response = Interaction(
            account=account,
            kind=InteractionKind.EMAIL,
            direction=Direction.OUTBOUND,
            occurred_at=answered,
            subject=f"Re: {inquiry.subject}",
            summary="Answered the client's question.",
            logged_by=logger,
            inquiry=inquiry,
        )
        chunk.interactions.append(response)
        if contact is not None:
            chunk.interaction_contacts.append((response, contact))


def _feedback(
    rng: random.Random,
    clock: Clock,
    plan: Plan,
    contacts: list[Contact],
    logger: Any,
    factor: float,
    chunk: Chunk,
) -> None:
    span = plan.active_span
    if span is None:
        return
    start = min(span[0], HISTORY_DAYS)
    churned = plan.account.lifecycle == Lifecycle.CHURNED
    for _ in range(_count(rng, factor * max(0, start - span[1]) / 365)):
        days_ago = rng.randint(span[1], max(span[1], start))
        late = churned and days_ago - span[1] < 120
        sentiment = rng.choices(Sentiment.values, (25, 30, 45) if late else (55, 28, 17))[0]
        chunk.feedback.append(
            Feedback(
                account=plan.account,
                contact=rng.choice(contacts) if contacts else None,
                channel=rng.choice(
                    (Channel.EMAIL, Channel.PHONE, Channel.IN_PERSON, Channel.PORTAL)
                ),
                sentiment=sentiment,
                text=rng.choice(FEEDBACK_TEXT[sentiment]),
                received_at=clock.business_moment(rng, days_ago),
                recorded_by=logger,
            )
        )


def _items(rng: random.Random, clock: Clock, plan: Plan, chunk: Chunk) -> None:
    if plan.account.lifecycle == Lifecycle.CHURNED:
        return
    for _ in range(rng.choices((0, 1, 2, 3, 4), (25, 30, 25, 12, 8))[0]):
        kind = rng.choice(ItemKind.values)
        status = rng.choices(ItemStatus.values, (45, 30, 18, 7))[
            0
        ]  # open, in progress, met, dropped
        chunk.items.append(
            AccountItem(
                account=plan.account,
                kind=kind,
                title=rng.choice(ITEMS[kind]),
                status=status,
                detail="Raised in the last review.",
                priority=rng.choices(Priority.values, (20, 50, 25, 5))[0],
                target_date=clock.day(-rng.randint(30, 365)) if kind == ItemKind.GOAL else None,
            )
        )


def _login_desk_extras(rng: random.Random, plans: list[Plan]) -> None:
    """The demo login's attention list: overdue follow-ups and late inquiries on its
    live, non-neglected customer accounts."""
    live = [
        plan
        for plan in plans
        if plan.active_span is not None and plan.active_span[1] == 1 and not plan.neglected
    ]
    for number, plan in enumerate(live[:6]):
        if number < 4:
            plan.extra["overdue_follow_up"] = rng.randint(2, 20)
        else:
            plan.extra["late_inquiries"] = 1


# What each demo login finds on its home page today (see _login_extras).
AM_TODAY = ("Confirm the workshop agenda with {name}", "Share the case studies with {name}",
            "Call {name} about the renewal terms")
LOGIN_TODAY = {
    "exec@example.com": "Call the sponsor at {name} before the steering group",
    "admin@example.com": "Give {name}'s new users access to the portal",
    "pm@example.com": "Send {name} the revised project plan",
    "member@example.com": "Share the accessibility audit with {name}",
}
LOGIN_INQUIRIES = {
    "pm@example.com": ("Request for a change to the scope", Priority.NORMAL),
    "member@example.com": ("Accessibility issue reported by a customer", Priority.HIGH),
}


def _login_extras(
    ctx: demo.DemoContext, clock: Clock, desk: Sequence[Plan], sla_table: dict[tuple[str, str], Decimal]
) -> None:
    """Today's work of each demo login, so every home page has something real: the
    account manager's follow-ups due today, an urgent inquiry received twenty minutes
    ago (at risk as soon as its SLA due time is within the warning window: now in
    office hours, early next working morning otherwise) and an invoice question left
    unanswered for two weeks (past its SLA); a follow-up due today
    for every other login, and an open inquiry assigned to the project manager and to
    the member. All on the account manager's live accounts; drawn from a generator of
    their own, so the rest of the data is what the seed always gave."""
    logins = ctx.shared.get("people.logins", {})
    manager = logins.get(AM_LOGIN)
    live = [
        plan.account
        for plan in desk
        if plan.account.lifecycle != Lifecycle.CHURNED and not plan.neglected and plan.account.pk
    ]
    if manager is None or not live:
        return
    rng = ctx.rng(f"{STEP}:logins")
    today, now = clock.today, timezone.now()
    follow_ups = [
        FollowUp(account=account, owner=manager, due_date=today, description=text.format(name=account.name))
        for account, text in zip(live, AM_TODAY, strict=False)
    ]
    for number, (email, text) in enumerate(LOGIN_TODAY.items()):
        if (user := logins.get(email)) is not None:
            account = live[(number + len(AM_TODAY)) % len(live)]
            follow_ups.append(FollowUp(account=account, owner=user, due_date=today, description=text.format(name=account.name)))
    urgent = next((account for account in live if account.tier != Tier.LONG_TAIL), live[0])
    forgotten = clock.business_moment(rng, clock.working_day(14))
    wanted = [
        (urgent, manager, "Urgent: production page not loading", Priority.URGENT, now - dt.timedelta(minutes=20)),
        (live[-1], manager, "Question about the latest invoice", Priority.NORMAL, forgotten),
    ]
    for email, (subject, priority) in LOGIN_INQUIRIES.items():
        if (user := logins.get(email)) is not None:
            received = clock.business_moment(rng, clock.working_day(1))
            wanted.append((rng.choice(live), user, subject, priority, received))
    inquiries = []
    for account, assignee, subject, priority, received in wanted:
        hours = sla_table[account.tier, priority]
        inquiries.append(
            Inquiry(
                account=account, channel=Channel.EMAIL, subject=subject, body="Could you look into this, please?",
                priority=priority, assignee=assignee, received_at=received, sla_hours=hours,
                sla_due_at=rules.sla_due(received_at=received, hours=hours, calendar=clock.calendar),
                status=InquiryStatus.OPEN,
            )
        )
    ctx.bulk_create(FollowUp, follow_ups)
    ctx.bulk_create(Inquiry, inquiries)


def _build_chunk(
    rng: random.Random,
    clock: Clock,
    plans: Sequence[Plan],
    factors: dict[str, float],
    managers: Sequence[Any],
    sla_table: dict[tuple[str, str], Decimal],
) -> Chunk:
    chunk = Chunk()
    for plan in plans:
        account = plan.account
        chunk.accounts.append(account)
        owner = account.owner
        logger = owner if owner is not None else (rng.choice(managers) if managers else None)
        for from_status, to_status, days_ago, reason in plan.moves:
            chunk.changes.append(
                AccountStatusChange(
                    account=account,
                    from_status=from_status,
                    to_status=to_status,
                    changed_at=clock.business_moment(rng, days_ago),
                    changed_by=owner,
                    reason=reason,
                )
            )
        account.lifecycle_changed_at = chunk.changes[-1].changed_at
        contacts = _contacts(rng, plan)
        chunk.contacts.extend(contacts)
        _items(rng, clock, plan, chunk)
        first = len(chunk.interactions)
        _interactions(rng, clock, plan, contacts, logger, factors["interactions"], chunk)
        _inquiries(
            rng, clock, plan, contacts, logger, factors["inquiries"], chunk, managers, sla_table
        )
        _feedback(rng, clock, plan, contacts, logger, factors["feedback"], chunk)
        overdue = plan.extra.get("overdue_follow_up")
        if overdue and logger is not None:
            chunk.follow_ups.append(
                FollowUp(
                    account=account,
                    owner=logger,
                    due_date=clock.day(overdue),
                    description=f"Send {account.name} the revised proposal",
                )
            )
        counted = [
            item.occurred_at for item in chunk.interactions[first:] if item.counts_as_contact
        ]
        account.last_contact_at = max(counted) if counted else None
        account.check_in_due_at = check_in_due(account, {account.tier: plan.cadence})
    return chunk


def _insert(ctx: demo.DemoContext, chunk: Chunk) -> None:
    ctx.bulk_create(Account, chunk.accounts)
    # Status changes are themselves the lifecycle history, not records people edit.
    ctx.bulk_create(AccountStatusChange, chunk.changes, audit=False)
    ctx.bulk_create(AccountItem, chunk.items)
    ctx.bulk_create(Contact, chunk.contacts)
    ctx.bulk_create(Inquiry, chunk.inquiries)
    # A million interactions (and their feedback) would double the audit table for no
    # reader: a history entry saying "created by the demo" tells nobody anything.
    # They are also the bulk of the rows, so they skip the ORM's insert compiler.
    for interaction in chunk.interactions:
        interaction.created_at = interaction.updated_at = interaction.occurred_at
    ctx.insert_objects(Interaction, chunk.interactions)
    contact_link, user_link = Interaction.contacts.through, Interaction.users.through
    # Join-table rows: not business records.
    ctx.insert_objects(
        contact_link,
        [contact_link(interaction_id=item.pk, contact_id=contact.pk) for item, contact in chunk.interaction_contacts],
    )
    ctx.insert_objects(
        user_link, [user_link(interaction_id=item.pk, user_id=user.pk) for item, user in chunk.interaction_users]
    )
    ctx.bulk_create(FollowUp, chunk.follow_ups)
    ctx.bulk_create(Feedback, chunk.feedback, audit=False)


def _date_records() -> None:
    """``created_at`` is set to "now" on insert (``auto_now_add``): give the records
    their historical creation times instead, in a few set-based updates."""
    first_change = AccountStatusChange.objects.filter(account=OuterRef("pk")).order_by(
        "changed_at", "id"
    )
    accounts = Account.objects.filter(source=Source.DEMO)
    accounts.update(created_at=Subquery(first_change.values("changed_at")[:1]))
    account_created = Account.objects.filter(pk=OuterRef("account_id")).values("created_at")[:1]
    Contact.objects.filter(source=Source.DEMO).update(created_at=Subquery(account_created))
    AccountItem.objects.filter(account__source=Source.DEMO).update(
        created_at=Subquery(account_created)
    )
    Inquiry.objects.filter(account__source=Source.DEMO).update(created_at=F("received_at"))
    Feedback.objects.filter(account__source=Source.DEMO).update(
        created_at=F("received_at"), updated_at=F("received_at")
    )


def _sla_table() -> dict[tuple[str, str], Decimal]:
    """First-response hours by (tier, priority), as ``sla_hours_for`` reads them."""
    table = {
        (tier, priority): hours
        for tier, row in DEFAULT_SLA_HOURS.items()
        for priority, hours in row.items()
    }
    table.update(
        {
            (tier, priority): hours
            for tier, priority, hours in SlaRule.objects.values_list(
                "tier", "priority", "response_hours"
            )
        }
    )
    return table


def _foreign_accounts() -> int:
    return Account.objects.exclude(source=Source.DEMO).count()


def _estimate(ctx: demo.DemoContext) -> int:
    accounts = ctx.scaled(ACCOUNTS_AT_LARGE)
    # accounts, history, items, contacts, interactions and their links, the rest
    return (
        accounts * 4
        + ctx.scaled(INTERACTIONS_AT_LARGE) * 2
        + ctx.scaled(INQUIRIES_AT_LARGE + FEEDBACK_AT_LARGE)
        + accounts
    )


@demo.step(STEP, order=20, foreign_rows=_foreign_accounts, estimate=_estimate)
def generate_clients(ctx: demo.DemoContext) -> None:
    """Accounts with their lifecycle history, contacts, two years of interactions and
    follow-ups, inquiries with SLAs, feedback, and needs / goals / challenges."""
    rng = ctx.rng(STEP)
    calendar = organisation_calendar()
    clock = Clock(timezone.localdate(timezone.now(), calendar.time_zone), calendar)
    by_tier = cadence_days_by_tier()
    sla_table = _sla_table()
    plans = _plans(ctx, rng, clock, by_tier)
    desk = [
        plan
        for plan in plans
        if plan.account.owner is not None and plan.account.owner.email == AM_LOGIN
    ]
    _login_desk_extras(rng, desk)
    managers = list(ctx.shared.get("people.by_role", {}).get(Role.ACCOUNT_MANAGER, []))
    # Rates are relative; scale them so the totals come out at the targets (the
    # inquiry answers are interactions too, about one per inquiry).
    inquiry_target = ctx.scaled(INQUIRIES_AT_LARGE)
    total_weight = sum(plan.weight for plan in plans) / 365 or 1.0
    total_inquiry_weight = sum(plan.inquiry_weight for plan in plans) / 365 or 1.0
    customer_days = sum(_span_days(plan.active_span) for plan in plans) / 365 or 1.0
    factors = {
        "interactions": (ctx.scaled(INTERACTIONS_AT_LARGE) - inquiry_target * 0.9) / total_weight,
        "inquiries": inquiry_target / total_inquiry_weight,
        "feedback": ctx.scaled(FEEDBACK_AT_LARGE) / customer_days,
    }
    for start in range(0, len(plans), CHUNK_ACCOUNTS):
        chunk = _build_chunk(
            rng, clock, plans[start : start + CHUNK_ACCOUNTS], factors, managers, sla_table
        )
        _insert(ctx, chunk)
    _login_extras(ctx, clock, desk, sla_table)
    _date_records()
    ctx.shared.update({"clients.accounts_count": len(plans), "clients.today": clock.today})


@demo.step("notifications", order=900)
def notify_demo_logins(ctx: demo.DemoContext) -> None:
    """Last but the search index: what the daily notification job would send the demo
    logins this morning (the same code, :func:`tandem.clients.tasks.notify_all`,
    in-app only), so each opens on realistic unread notifications. Only the logins:
    nobody reads the others' (and the large benchmark set stays as it was)."""
    from tandem.clients.tasks import notify_all

    logins = ctx.shared.get("people.logins", {})
    ctx.counts["core.Notification"] = notify_all(email=False, only=list(logins.values()))

"""Demo data for people: a London services firm (``tandem demo``, step ``people``).

At scale 1.0 ("large") the firm has 200 people in 10 teams; ``small`` (0.004) has 30
people in 4 teams. People scale linearly with the factor, never below a firm of 30
(:data:`SMALL_FIRM`), teams with the square root of the head count (bigger firms have
bigger teams). Everyone holds a role (about 1.5 % administrators,
2.5 % executives, 10 % account managers, 10 % project managers, the rest team
members; one account manager in five also manages projects), a title that matches
role and seniority, cost and bill rates by seniority, a capacity (most 37.5 h over
Monday to Friday, some part-time at 24 to 32 h, some on four-day weeks) and time off over
last year and this year (three holidays a year, sick days, some training). The
organisation calendar is London's, 9:00-17:30 Monday to Friday, with the bank holidays of
England and Wales from two years ago to next year.

The five demo logins of ``tandem.core.demo.DEMO_LOGINS`` are always the first people.
Every demo user has an ``@example.com`` address; other addresses count as data the demo
did not make. Later steps find what they need in ``ctx.shared``:
``people.users``, ``people.by_role`` (role → users), ``people.teams``,
``people.persons`` and ``people.logins`` (e-mail → user).
"""

from __future__ import annotations

import datetime as dt
import math
import random
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from tandem.core import demo
from tandem.core.roles import Role
from tandem.people.models import (
    Holiday,
    OrganisationCalendar,
    Person,
    RoleAssignment,
    Team,
    TimeOff,
    TimeOffKind,
    User,
)

STEP = "people"
PEOPLE_AT_LARGE = 200
TEAMS_AT_LARGE = 10
SMALL_FIRM = 30  # the fewest people, whatever the scale: three account managers and their colleagues
CURRENCY = "GBP"
TIME_ZONE = "Europe/London"
FULL_TIME_HOURS = Decimal("37.50")
MONDAY_TO_FRIDAY = 0b0011111
MONDAY_TO_THURSDAY = 0b0001111
TUESDAY_TO_FRIDAY = 0b0011110

TEAMS: tuple[tuple[str, str], ...] = (
    ("Leadership", "Directors and operations: runs the firm."),
    ("Client Services", "Account managers: own the relationship with each client."),
    ("Delivery", "Project managers and business analysts who run client projects."),
    ("Engineering", "Builds and maintains client platforms and web applications."),
    ("Experience Design", "Research, service design and interface design."),
    ("Data & Analytics", "Data engineering, reporting and analytics for clients."),
    ("Strategy", "Digital strategy and transformation consulting."),
    ("Quality Assurance", "Testing, accessibility and release quality."),
    ("Cloud Operations", "Hosting, monitoring and support of what we run for clients."),
    ("Content", "Content strategy, copywriting and editorial."),
    ("Mobile", "Native and cross-platform mobile applications."),
    ("Security", "Security reviews, penetration testing and compliance."),
)
LEADERSHIP, CLIENT_SERVICES = TEAMS[0][0], TEAMS[1][0]

DISCIPLINES: dict[str, tuple[str, ...]] = {
    "Delivery": ("Business Analyst", "Delivery Consultant"),
    "Engineering": ("Software Engineer", "Software Engineer", "Front-end Developer"),
    "Experience Design": ("UX Designer", "Service Designer", "User Researcher"),
    "Data & Analytics": ("Data Engineer", "Data Analyst"),
    "Strategy": ("Consultant", "Strategy Consultant"),
    "Quality Assurance": ("QA Engineer", "Accessibility Specialist"),
    "Cloud Operations": ("Cloud Engineer", "Site Reliability Engineer"),
    "Content": ("Content Strategist", "Copywriter"),
    "Mobile": ("Mobile Developer", "iOS Developer", "Android Developer"),
    "Security": ("Security Engineer", "Security Consultant"),
}
SENIORITY_PREFIX = ("Junior ", "", "Senior ", "Lead ", "Principal ")
DIRECTOR = 5
# Hourly rates in GBP by seniority: junior, mid, senior, lead, principal, director.
COST_RATES = (28, 38, 50, 62, 75, 95)
BILL_RATES = (70, 95, 125, 150, 175, 220)

EXECUTIVE_TITLES = (
    "Managing Director",
    "Chief Operating Officer",
    "Chief Technology Officer",
    "Commercial Director",
    "Delivery Director",
    "Finance Director",
    "Client Director",
)
ADMIN_TITLES = ("Operations Director", "Systems Administrator", "Operations Manager", "IT Manager")
ACCOUNT_TITLES = (
    "Account Executive",
    "Account Manager",
    "Senior Account Manager",
    "Account Director",
)
PROJECT_TITLES = (
    "Associate Project Manager",
    "Project Manager",
    "Senior Project Manager",
    "Programme Manager",
)

# fmt: off
FIRST_NAMES = (
    "Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Noah", "Mia", "Jack", "Sophia",
    "Leo", "Grace", "Arthur", "Lily", "Muhammad", "Freya", "Oscar", "Emily", "Charlie",
    "Ivy", "Thomas", "Ella", "Henry", "Rosie", "William", "Evie", "James", "Florence",
    "Samuel", "Poppy", "Daniel", "Chloe", "Joseph", "Hannah", "Alfie", "Zara", "Ethan",
    "Priya", "Arjun", "Aisha", "Omar", "Fatima", "Kwame", "Ama", "Chen", "Mei", "Hiroshi",
    "Yuki", "Mateo", "Lucía", "Luca", "Giulia", "Lukas", "Lena", "Jonas", "Sofía",
    "Tomasz", "Zofia", "Eilidh", "Callum", "Siobhan", "Niamh", "Rhys", "Cerys",
)
LAST_NAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
    "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green",
    "Hall", "Wood", "Jackson", "Clarke", "Patel", "Khan", "Lewis", "James", "Phillips",
    "Mason", "Mitchell", "Rose", "Davis", "Rodríguez", "Cox", "Alexander", "Morgan",
    "Moore", "Mills", "King", "Ahmed", "Hughes", "Turner", "Nowak", "Okafor", "Mensah",
    "Nguyen", "Tanaka", "Kowalski", "Schmidt", "Müller", "Rossi", "García", "Fernández",
    "O'Brien", "Murphy", "Kelly", "MacDonald", "Campbell", "Stewart", "Byrne", "Singh",
    "Ali", "Hussain", "Chowdhury", "Novak", "Lindqvist", "Dubois",
)
# fmt: on


@dataclass(frozen=True)
class Profile:
    full_name: str
    roles: tuple[str, ...]
    team: str
    title: str
    seniority: int
    email: str = ""


# The five demo logins, in the order of DEMO_LOGINS.
LOGIN_PROFILES: dict[str, Profile] = {
    "admin@example.com": Profile(
        "Ada Whitfield", (Role.ADMIN,), LEADERSHIP, "Operations Director", 4
    ),
    "exec@example.com": Profile(
        "Edward Hale", (Role.EXECUTIVE,), LEADERSHIP, "Managing Director", 5
    ),
    "am@example.com": Profile(
        "Amelia Shaw", (Role.ACCOUNT_MANAGER,), CLIENT_SERVICES, "Account Director", 4
    ),
    "pm@example.com": Profile(
        "Patrick Doyle", (Role.PROJECT_MANAGER,), "Delivery", "Senior Project Manager", 3
    ),
    "member@example.com": Profile(
        "Maya Lindqvist", (Role.MEMBER,), "Engineering", "Software Engineer", 1
    ),
}


def people_count(ctx: demo.DemoContext) -> int:
    """Linear in the scale, but never fewer than a small firm of :data:`SMALL_FIRM`."""
    return ctx.scaled(PEOPLE_AT_LARGE, minimum=SMALL_FIRM)


def team_count(ctx: demo.DemoContext) -> int:
    """The square root of the head count: bigger firms have bigger teams."""
    return max(2, round(TEAMS_AT_LARGE * math.sqrt(people_count(ctx) / PEOPLE_AT_LARGE)))


def role_counts(total: int) -> dict[str, int]:
    """How many people hold each main role; members are the rest (at least one)."""
    counts: dict[str, int] = {
        Role.ADMIN: max(1, round(total * 0.015)),
        Role.EXECUTIVE: max(1, round(total * 0.025)),
        Role.ACCOUNT_MANAGER: max(1, round(total * 0.10)),
        Role.PROJECT_MANAGER: max(1, round(total * 0.10)),
    }
    counts[Role.MEMBER] = total - sum(counts.values())
    return counts


def team_names(count: int) -> list[tuple[str, str]]:
    names = [TEAMS[index % len(TEAMS)] for index in range(count)]
    return [
        (name if index < len(TEAMS) else f"{name} {index // len(TEAMS) + 1}", description)
        for index, (name, description) in enumerate(names)
    ]


def _email_local(full_name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", full_name).encode("ascii", "ignore").decode()
    parts = ["".join(ch for ch in part.lower() if ch.isalnum()) for part in ascii_name.split()]
    return ".".join(part for part in parts if part)


def _profiles(ctx: demo.DemoContext, rng: random.Random, teams: list[str]) -> list[Profile]:
    """Everyone in the firm, the five demo logins first, with unique e-mails."""
    total = people_count(ctx)
    counts = role_counts(total)
    delivery_teams = [name for name in teams if name not in (LEADERSHIP, CLIENT_SERVICES)] or teams
    profiles = [
        Profile(
            p.full_name,
            p.roles,
            p.team if p.team in teams else teams[-1],
            p.title,
            p.seniority,
            email,
        )
        for email, p in LOGIN_PROFILES.items()
    ]
    remaining = {role: counts[role] - 1 for role in counts}
    for role in Role.values:
        for index in range(remaining[role]):
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            roles: tuple[str, ...] = (role,)
            if role == Role.ADMIN:
                seniority = rng.choice((2, 3, 4))
                title, team = ADMIN_TITLES[1 + index % (len(ADMIN_TITLES) - 1)], LEADERSHIP
            elif role == Role.EXECUTIVE:
                seniority, title, team = (
                    DIRECTOR,
                    EXECUTIVE_TITLES[(index + 1) % len(EXECUTIVE_TITLES)],
                    LEADERSHIP,
                )
            elif role == Role.ACCOUNT_MANAGER:
                seniority = rng.choices((1, 2, 3, 4), weights=(3, 4, 3, 1))[0]
                title, team = ACCOUNT_TITLES[seniority - 1], CLIENT_SERVICES
                if index % 5 == 4:
                    roles = (Role.ACCOUNT_MANAGER, Role.PROJECT_MANAGER)
            elif role == Role.PROJECT_MANAGER:
                seniority = rng.choices((1, 2, 3, 4), weights=(2, 5, 3, 1))[0]
                title, team = PROJECT_TITLES[seniority - 1], rng.choice(delivery_teams)
            else:
                seniority = rng.choices((0, 1, 2, 3, 4), weights=(20, 35, 25, 12, 8))[0]
                team = rng.choice(delivery_teams)
                base = team.rsplit(" ", 1)[0] if team not in DISCIPLINES else team
                title = SENIORITY_PREFIX[seniority] + rng.choice(
                    DISCIPLINES.get(base, ("Consultant",))
                )
            profiles.append(
                Profile(name, roles, team if team in teams else teams[0], title, seniority)
            )
    taken: set[str] = {p.email for p in profiles if p.email}
    unique: list[Profile] = []
    for profile in profiles:
        if profile.email:
            unique.append(profile)
            continue
        local = _email_local(profile.full_name)
        email, number = f"{local}@{demo.DEMO_EMAIL_DOMAIN}", 1
        while email in taken:
            number += 1
            email = f"{local}{number}@{demo.DEMO_EMAIL_DOMAIN}"
        taken.add(email)
        unique.append(
            Profile(
                profile.full_name,
                profile.roles,
                profile.team,
                profile.title,
                profile.seniority,
                email,
            )
        )
    return unique


def _rate(rng: random.Random, base: int, spread: float, step: Decimal) -> Decimal:
    value = Decimal(str(base * rng.uniform(1 - spread, 1 + spread)))
    return ((value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step).quantize(
        Decimal("0.01")
    )


def _capacity(rng: random.Random, is_login: bool) -> tuple[Decimal, int]:
    """Weekly hours and working days: 80 % full time, 12 % part time over five days
    (24 to 32 h), 8 % on a four-day week (30 or 32 h)."""
    if is_login:
        return FULL_TIME_HOURS, MONDAY_TO_FRIDAY
    draw = rng.random()
    if draw < 0.80:
        return FULL_TIME_HOURS, MONDAY_TO_FRIDAY
    if draw < 0.92:
        return Decimal(rng.choice((24, 28, 30, 32))).quantize(Decimal("0.01")), MONDAY_TO_FRIDAY
    days = rng.choice((MONDAY_TO_THURSDAY, TUESDAY_TO_FRIDAY))
    return Decimal(rng.choice((30, 32))).quantize(Decimal("0.01")), days


def _time_off(rng: random.Random, person: Person, year: int) -> list[TimeOff]:
    """One year of time off for ``person``: three holidays, 0 to 3 sick spells, and
    training for one person in four, in distinct fortnights so nothing overlaps."""
    working = [day for day in range(7) if person.working_days & (1 << day)]
    daily_hours = person.weekly_capacity_hours / len(working)
    sick_spells = rng.choice((0, 0, 1, 1, 1, 2, 2, 3))
    training = rng.random() < 0.25
    weeks = sorted(rng.sample(range(2, 51, 2), 3 + sick_spells + int(training)))
    kinds = (
        [TimeOffKind.VACATION] * 3
        + [TimeOffKind.SICK] * sick_spells
        + [TimeOffKind.TRAINING] * int(training)
    )
    rng.shuffle(kinds)
    rows = []
    for week, kind in zip(weeks, kinds, strict=True):
        monday = dt.date.fromisocalendar(year, week, 1)
        hours: Decimal | None = None
        note = ""
        if kind == TimeOffKind.VACATION:
            first = working[0]
            length = rng.choice((0, 2, 4, 4, 4, 11))  # days after the first: 1 day … 2 weeks
            if length == 0 and rng.random() < 0.3:
                hours = (daily_hours / 2).quantize(Decimal("0.01"))
                note = "Half day"
        elif kind == TimeOffKind.SICK:
            first = rng.choice(working)
            length = rng.choice((0, 0, 1, 2))
        else:
            first = working[0]
            length = 1
            note = rng.choice(("Conference", "Certification course", "Internal academy"))
        start = monday + dt.timedelta(days=first)
        rows.append(
            TimeOff(
                person=person,
                kind=kind,
                start_date=start,
                end_date=start + dt.timedelta(days=length),
                hours_per_day=hours,
                note=note,
            )
        )
    return rows


def _easter(year: int) -> dt.date:
    """Gregorian Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month = (h + el - 7 * m + 114) // 31
    day = (h + el - 7 * m + 114) % 31 + 1
    return dt.date(year, month, day)


def _first_monday(year: int, month: int) -> dt.date:
    day = dt.date(year, month, 1)
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def _last_monday(year: int, month: int) -> dt.date:
    day = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return day - dt.timedelta(days=day.weekday())


def bank_holidays(year: int) -> list[tuple[dt.date, str]]:
    """The eight regular bank holidays of England and Wales, with substitute days for
    those falling on a weekend (one-off royal holidays are not included)."""
    easter = _easter(year)
    new_year = dt.date(year, 1, 1)
    if new_year.weekday() >= 5:
        new_year += dt.timedelta(days=7 - new_year.weekday())
    christmas, boxing = dt.date(year, 12, 25), dt.date(year, 12, 26)
    if christmas.weekday() == 5:  # Saturday: Monday and Tuesday
        christmas, boxing = christmas + dt.timedelta(days=2), boxing + dt.timedelta(days=2)
    elif christmas.weekday() == 6:  # Sunday: Boxing Day Monday, Christmas Tuesday
        christmas, boxing = christmas + dt.timedelta(days=2), boxing
    elif boxing.weekday() == 5:  # Friday Christmas: Boxing Day moves to Monday
        boxing += dt.timedelta(days=2)
    return sorted(
        [
            (new_year, "New Year's Day"),
            (easter - dt.timedelta(days=2), "Good Friday"),
            (easter + dt.timedelta(days=1), "Easter Monday"),
            (_first_monday(year, 5), "Early May bank holiday"),
            (_last_monday(year, 5), "Spring bank holiday"),
            (_last_monday(year, 8), "Summer bank holiday"),
            (christmas, "Christmas Day"),
            (boxing, "Boxing Day"),
        ]
    )


def _calendar(ctx: demo.DemoContext) -> OrganisationCalendar:
    values = {
        "name": "London office",
        "time_zone": TIME_ZONE,
        "day_start": dt.time(9, 0),
        "day_end": dt.time(17, 30),
        "working_days": MONDAY_TO_FRIDAY,
        "locale": "en-gb",
        "currency": CURRENCY,
    }
    existing = OrganisationCalendar.objects.filter(pk=1).first()
    if existing is None:
        return ctx.bulk_create(OrganisationCalendar, [OrganisationCalendar(pk=1, **values)])[0]
    from tandem.core.services import model_update

    return model_update(actor=None, instance=existing, data=values)


def _foreign_users() -> int:
    return User.objects.exclude(email__iendswith=f"@{demo.DEMO_EMAIL_DOMAIN}").count()


def _estimate(ctx: demo.DemoContext) -> int:
    people = people_count(ctx)
    return people * 15 + team_count(ctx) + 40


@demo.step(STEP, order=10, foreign_rows=_foreign_users, estimate=_estimate)
def generate_people(ctx: demo.DemoContext) -> None:
    """Users, roles, teams, person profiles, time off and the organisation calendar."""
    rng = ctx.rng(STEP)
    teams_spec = team_names(team_count(ctx))
    profiles = _profiles(ctx, rng, [name for name, _ in teams_spec])
    login_emails = {login.email for login in demo.DEMO_LOGINS}
    joined_from = dt.datetime(ctx.year - 8, 1, 1, 9, tzinfo=dt.UTC)
    joined_span = (dt.datetime(ctx.year, 1, 1, 9, tzinfo=dt.UTC) - joined_from).days

    users = ctx.bulk_create(
        User,
        [
            User(
                email=profile.email,
                full_name=profile.full_name,
                password=ctx.password_hash,
                is_staff=Role.ADMIN in profile.roles,
                time_zone=TIME_ZONE,
                date_joined=joined_from + dt.timedelta(days=rng.randrange(joined_span)),
            )
            for profile in profiles
        ],
    )
    # Role assignments are not business records: user_create does not audit them apart
    # from the user either; the user's own history entry stands for the account.
    ctx.bulk_create(
        RoleAssignment,
        [
            RoleAssignment(user=user, role=role)
            for user, profile in zip(users, profiles, strict=True)
            for role in profile.roles
        ],
        audit=False,
    )

    lead_index: dict[str, int] = {}  # team → its most senior person, the earliest on a tie
    for index, profile in enumerate(profiles):
        current = lead_index.get(profile.team)
        if current is None or profile.seniority > profiles[current].seniority:
            lead_index[profile.team] = index
    teams = ctx.bulk_create(
        Team,
        [
            Team(
                name=name,
                description=description,
                lead=users[lead_index[name]] if name in lead_index else None,
            )
            for name, description in teams_spec
        ],
    )
    team_by_name = {team.name: team for team in teams}

    persons = []
    for user, profile in zip(users, profiles, strict=True):
        hours, days = _capacity(rng, profile.email in login_emails)
        persons.append(
            Person(
                user=user,
                title=profile.title,
                team=team_by_name[profile.team],
                weekly_capacity_hours=hours,
                working_days=days,
                cost_rate=_rate(rng, COST_RATES[profile.seniority], 0.08, Decimal("0.50")),
                bill_rate=_rate(rng, BILL_RATES[profile.seniority], 0.05, Decimal("5")),
                currency=CURRENCY,
            )
        )
    persons = ctx.bulk_create(Person, persons)

    time_off = [
        row
        for person in persons
        for year in (ctx.year - 1, ctx.year)
        for row in _time_off(rng, person, year)
    ]
    ctx.bulk_create(TimeOff, time_off)

    calendar = _calendar(ctx)
    taken = set(Holiday.objects.filter(calendar=calendar).values_list("date", flat=True))
    ctx.bulk_create(
        Holiday,
        [
            Holiday(calendar=calendar, date=day, name=name)
            for year in range(ctx.year - 2, ctx.year + 2)
            for day, name in bank_holidays(year)
            if day not in taken
        ],
    )

    by_role: dict[str, list[User]] = {role: [] for role in Role.values}
    for user, profile in zip(users, profiles, strict=True):
        for role in profile.roles:
            by_role[role].append(user)
    ctx.shared.update(
        {
            "people.users": users,
            "people.by_role": by_role,
            "people.teams": teams,
            "people.persons": persons,
            "people.logins": {user.email: user for user in users if user.email in login_emails},
            "people.calendar": calendar,
        }
    )

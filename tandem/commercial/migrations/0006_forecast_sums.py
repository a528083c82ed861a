"""The whole organisation's forecast summed ahead of time (``ForecastMonthSum``,
``ContractedSum``; tandem/commercial/models/forecast_sums.py), kept by triggers in the
transaction of every write to opportunities, contracts and billing milestones, and filled
from the records already there.

The statements are written with a few dialect pieces (cents, first day of a month) and
installed as SQLite row triggers, or as PL/pgSQL functions run once per statement with
its transition tables (the rows it inserted, changed or deleted, summed per group). A sum is only ever
taken away from a row that exists (an ``UPDATE``, then the row is deleted when no record
is left in it), so a table emptied first (``flush``) is never left with negative rows.
"""

import django.core.validators
from django.db import migrations, models



MONTH_SUMS = "commercial_forecastmonthsum"
CONTRACTED = "commercial_contractedsum"
ACTIVE_OR_NEGOTIATION = "('active', 'negotiation')"

DIALECT = {
    "sqlite": {
        "cents": "CAST(ROUND(({0}) * 100) AS INTEGER)",
        "month": "date({0}, 'start of month')",
        "open_ended": "'9999-12-01'",
    },
    "postgresql": {
        "cents": "ROUND(({0}) * 100)::bigint",
        "month": "date_trunc('month', {0})::date",
        "open_ended": "DATE '9999-12-01'",
    },
}


def _sqlite_statements() -> dict[str, str]:
    """SQLite: the statements of its row triggers, with ``{r}`` for the record (NEW or
    OLD). PostgreSQL's work per statement instead (:func:`_postgresql_statements`)."""
    d = DIALECT["sqlite"]

    def cents(value: str) -> str:
        return d["cents"].format(value)

    def last(row: str) -> str:
        return f"COALESCE({d['month'].format(row + '.end_date')}, {d['open_ended']})"

    add_to_days = (
        f"ON CONFLICT (kind, month, currency, category) DO UPDATE SET "
        f"amount_cents = {MONTH_SUMS}.amount_cents + excluded.amount_cents, "
        f"weighted_cents = {MONTH_SUMS}.weighted_cents + excluded.weighted_cents, entries = {MONTH_SUMS}.entries + excluded.entries"
    )
    milestone_of = (
        "FROM commercial_billingmilestone m WHERE m.contract_id = {r}.id AND m.billed_on IS NULL"
    )
    return {
        "deal_add": (
            f"INSERT INTO {MONTH_SUMS} (kind, month, currency, category, amount_cents, weighted_cents, entries) "
            f"SELECT 'deal', {d['month'].format('{r}.expected_close_date')}, {{r}}.currency, {{r}}.forecast_category, "
            f"{cents('{r}.amount')}, {cents('{r}.amount')} * {{r}}.probability, 1 "
            f"WHERE {{r}}.status = 'open' AND {{r}}.forecast_category <> 'omitted' {add_to_days}"
        ),
        "deal_remove": (
            f"UPDATE {MONTH_SUMS} SET amount_cents = amount_cents - {cents('{r}.amount')}, "
            f"weighted_cents = weighted_cents - {cents('{r}.amount')} * {{r}}.probability, entries = entries - 1 "
            f"WHERE kind = 'deal' AND month = {d['month'].format('{r}.expected_close_date')} AND currency = {{r}}.currency "
            f"AND category = {{r}}.forecast_category AND {{r}}.status = 'open' AND {{r}}.forecast_category <> 'omitted'"
        ),
        "deal_prune": (
            f"DELETE FROM {MONTH_SUMS} WHERE kind = 'deal' AND month = {d['month'].format('{r}.expected_close_date')} AND currency = {{r}}.currency "
            f"AND category = {{r}}.forecast_category AND entries = 0"
        ),
        "milestone_add": (
            f"INSERT INTO {MONTH_SUMS} (kind, month, currency, category, amount_cents, weighted_cents, entries) "
            f"SELECT 'milestone', {d['month'].format('{r}.due_date')}, c.currency, '', {cents('{r}.amount')}, 0, 1 "
            f"FROM commercial_contract c WHERE c.id = {{r}}.contract_id AND {{r}}.billed_on IS NULL "
            f"AND c.status IN {ACTIVE_OR_NEGOTIATION} {add_to_days}"
        ),
        "milestone_remove": (
            f"UPDATE {MONTH_SUMS} SET amount_cents = amount_cents - {cents('{r}.amount')}, entries = entries - 1 "
            f"WHERE kind = 'milestone' AND month = {d['month'].format('{r}.due_date')} AND category = '' AND {{r}}.billed_on IS NULL "
            f"AND currency = (SELECT c.currency FROM commercial_contract c WHERE c.id = {{r}}.contract_id "
            f"AND c.status IN {ACTIVE_OR_NEGOTIATION})"
        ),
        "milestone_prune": (
            f"DELETE FROM {MONTH_SUMS} WHERE kind = 'milestone' AND month = {d['month'].format('{r}.due_date')} AND category = '' AND entries = 0"
        ),
        "contracted_add": (
            f"INSERT INTO {CONTRACTED} (first_month, last_month, currency, monthly_cents, entries) "
            f"SELECT {d['month'].format('{r}.start_date')}, {last('{r}')}, {{r}}.currency, {cents('{r}.monthly_amount')}, 1 "
            f"WHERE {{r}}.status = 'active' "
            f"ON CONFLICT (first_month, last_month, currency) DO UPDATE SET "
            f"monthly_cents = {CONTRACTED}.monthly_cents + excluded.monthly_cents, entries = {CONTRACTED}.entries + excluded.entries"
        ),
        "contracted_remove": (
            f"UPDATE {CONTRACTED} SET monthly_cents = monthly_cents - {cents('{r}.monthly_amount')}, entries = entries - 1 "
            f"WHERE first_month = {d['month'].format('{r}.start_date')} AND last_month = {last('{r}')} "
            f"AND currency = {{r}}.currency AND {{r}}.status = 'active'"
        ),
        "contracted_prune": (
            f"DELETE FROM {CONTRACTED} WHERE first_month = {d['month'].format('{r}.start_date')} "
            f"AND last_month = {last('{r}')} AND currency = {{r}}.currency AND entries = 0"
        ),
        # A contract's unbilled milestones, when the contract enters or leaves "active or
        # in negotiation" or changes currency (or goes): all of them at once, per month.
        "contract_milestones_add": (
            f"INSERT INTO {MONTH_SUMS} (kind, month, currency, category, amount_cents, weighted_cents, entries) "
            f"SELECT 'milestone', {d['month'].format('m.due_date')}, {{r}}.currency, '', SUM({cents('m.amount')}), 0, COUNT(*) "
            f"{milestone_of} AND {{r}}.status IN {ACTIVE_OR_NEGOTIATION} GROUP BY {d['month'].format('m.due_date')} {add_to_days}"
        ),
        "contract_milestones_remove": (
            f"UPDATE {MONTH_SUMS} SET "
            f"amount_cents = amount_cents - (SELECT SUM({cents('m.amount')}) {milestone_of} AND {d['month'].format('m.due_date')} = {MONTH_SUMS}.month), "
            f"entries = entries - (SELECT COUNT(*) {milestone_of} AND {d['month'].format('m.due_date')} = {MONTH_SUMS}.month) "
            f"WHERE kind = 'milestone' AND category = '' AND currency = {{r}}.currency "
            f"AND {{r}}.status IN {ACTIVE_OR_NEGOTIATION} AND month IN (SELECT {d['month'].format('m.due_date')} {milestone_of})"
        ),
        "contract_milestones_prune": (
            f"DELETE FROM {MONTH_SUMS} WHERE kind = 'milestone' AND category = '' AND currency = {{r}}.currency "
            f"AND entries = 0 AND month IN (SELECT {d['month'].format('m.due_date')} {milestone_of})"
        ),
    }


def _on(statements: dict[str, str], record: str, *names: str) -> str:
    return "".join(statements[name].replace("{r}", record) + ";\n" for name in names)


DEAL_COLUMNS = "status, forecast_category, expected_close_date, currency, amount, probability"
MILESTONE_COLUMNS = "due_date, amount, billed_on, contract_id"
CONTRACT_COLUMNS = "status, currency, start_date, end_date, monthly_amount"
MILESTONE_MOVES = (
    "((OLD.status IN {0}) <> (NEW.status IN {0}) OR OLD.currency <> NEW.currency)".format(ACTIVE_OR_NEGOTIATION)
)
REMOVE_DEAL = ("deal_remove", "deal_prune")
REMOVE_MILESTONE = ("milestone_remove", "milestone_prune")
REMOVE_CONTRACTED = ("contracted_remove", "contracted_prune")
REMOVE_CONTRACT_MILESTONES = ("contract_milestones_remove", "contract_milestones_prune")


def _sqlite() -> list[str]:
    s = _sqlite_statements()
    return [
        f"CREATE TRIGGER forecast_sum_deal_insert AFTER INSERT ON commercial_opportunity BEGIN\n{_on(s, 'NEW', 'deal_add')}END",
        f"CREATE TRIGGER forecast_sum_deal_delete AFTER DELETE ON commercial_opportunity BEGIN\n{_on(s, 'OLD', *REMOVE_DEAL)}END",
        f"CREATE TRIGGER forecast_sum_deal_update AFTER UPDATE OF {DEAL_COLUMNS} ON commercial_opportunity BEGIN\n"
        f"{_on(s, 'OLD', *REMOVE_DEAL)}{_on(s, 'NEW', 'deal_add')}END",
        f"CREATE TRIGGER forecast_sum_milestone_insert AFTER INSERT ON commercial_billingmilestone BEGIN\n"
        f"{_on(s, 'NEW', 'milestone_add')}END",
        f"CREATE TRIGGER forecast_sum_milestone_delete AFTER DELETE ON commercial_billingmilestone BEGIN\n"
        f"{_on(s, 'OLD', *REMOVE_MILESTONE)}END",
        f"CREATE TRIGGER forecast_sum_milestone_update AFTER UPDATE OF {MILESTONE_COLUMNS} ON commercial_billingmilestone BEGIN\n"
        f"{_on(s, 'OLD', *REMOVE_MILESTONE)}{_on(s, 'NEW', 'milestone_add')}END",
        f"CREATE TRIGGER forecast_sum_contract_insert AFTER INSERT ON commercial_contract BEGIN\n"
        f"{_on(s, 'NEW', 'contracted_add', 'contract_milestones_add')}END",
        f"CREATE TRIGGER forecast_sum_contract_delete AFTER DELETE ON commercial_contract BEGIN\n"
        f"{_on(s, 'OLD', *REMOVE_CONTRACTED, *REMOVE_CONTRACT_MILESTONES)}END",
        f"CREATE TRIGGER forecast_sum_contract_update AFTER UPDATE OF {CONTRACT_COLUMNS} ON commercial_contract BEGIN\n"
        f"{_on(s, 'OLD', *REMOVE_CONTRACTED)}{_on(s, 'NEW', 'contracted_add')}END",
        f"CREATE TRIGGER forecast_sum_contract_moves AFTER UPDATE OF status, currency ON commercial_contract "
        f"WHEN {MILESTONE_MOVES} BEGIN\n{_on(s, 'OLD', *REMOVE_CONTRACT_MILESTONES)}{_on(s, 'NEW', 'contract_milestones_add')}END",
    ]


def _postgresql_statements() -> dict[str, str]:
    """PostgreSQL: the same sums kept once per statement from its transition tables
    (``old_rows``, ``new_rows``), grouped, so a ``COPY`` of 200,000 deals updates each
    sum row once instead of once per deal (a row updated over and over in one
    transaction leaves a chain of versions every later update walks)."""
    d = DIALECT["postgresql"]

    def cents(value: str) -> str:
        return d["cents"].format(value)

    def month(value: str) -> str:
        return d["month"].format(value)

    def last(row: str) -> str:
        return f"COALESCE({month(row + '.end_date')}, {d['open_ended']})"

    add_to_days = (
        "ON CONFLICT (kind, month, currency, category) DO UPDATE SET "
        f"amount_cents = {MONTH_SUMS}.amount_cents + excluded.amount_cents, "
        f"weighted_cents = {MONTH_SUMS}.weighted_cents + excluded.weighted_cents, "
        f"entries = {MONTH_SUMS}.entries + excluded.entries"
    )
    take_from_days = (
        f"UPDATE {MONTH_SUMS} s SET amount_cents = s.amount_cents - g.amount, "
        "weighted_cents = s.weighted_cents - g.weighted, entries = s.entries - g.entries FROM gone g "
        "WHERE s.kind = g.kind AND s.month = g.month AND s.currency = g.currency AND s.category = g.category"
    )
    deals = (
        f"SELECT 'deal' AS kind, {month('r.expected_close_date')} AS month, r.currency, r.forecast_category AS category, "
        f"SUM({cents('r.amount')}) AS amount, SUM({cents('r.amount')} * r.probability) AS weighted, COUNT(*) AS entries "
        "FROM {rows} r WHERE r.status = 'open' AND r.forecast_category <> 'omitted' GROUP BY 2, 3, 4"
    )
    milestones = (
        f"SELECT 'milestone' AS kind, {month('m.due_date')} AS month, c.currency, '' AS category, "
        f"SUM({cents('m.amount')}) AS amount, 0 AS weighted, COUNT(*) AS entries "
        "FROM {rows} m JOIN commercial_contract c ON c.id = m.contract_id "
        f"WHERE m.billed_on IS NULL AND c.status IN {ACTIVE_OR_NEGOTIATION} GROUP BY 2, 3"
    )
    # A contract's unbilled milestones, under the contract's currency in {side}: for the
    # contracts of {moved} (ids with the currency to use), where {where} holds.
    contract_milestones = (
        f"SELECT 'milestone' AS kind, {month('m.due_date')} AS month, k.currency, '' AS category, "
        f"SUM({cents('m.amount')}) AS amount, 0 AS weighted, COUNT(*) AS entries "
        "FROM {moved} k JOIN commercial_billingmilestone m ON m.contract_id = k.id "
        "WHERE m.billed_on IS NULL AND {where} GROUP BY 2, 3"
    )
    moved = (
        "(SELECT o.id, o.currency AS old_currency, n.currency AS new_currency, "
        f"o.status IN {ACTIVE_OR_NEGOTIATION} AS was_in, n.status IN {ACTIVE_OR_NEGOTIATION} AS is_in "
        "FROM old_rows o JOIN new_rows n ON n.id = o.id "
        f"WHERE (o.status IN {ACTIVE_OR_NEGOTIATION}) <> (n.status IN {ACTIVE_OR_NEGOTIATION}) OR o.currency <> n.currency)"
    )
    contracted = (
        f"SELECT {month('r.start_date')} AS first_month, {last('r')} AS last_month, r.currency, "
        f"SUM({cents('r.monthly_amount')}) AS cents, COUNT(*) AS entries FROM {{rows}} r WHERE r.status = 'active' GROUP BY 1, 2, 3"
    )

    def add(select: str) -> str:
        return (
            f"INSERT INTO {MONTH_SUMS} (kind, month, currency, category, amount_cents, weighted_cents, entries) "
            f"SELECT kind, month, currency, category, amount, weighted, entries FROM ({select}) g ORDER BY 1, 2, 3, 4 {add_to_days}"
        )

    def take(select: str) -> str:
        return f"WITH gone AS ({select}) {take_from_days}"

    prune_days = f"DELETE FROM {MONTH_SUMS} WHERE entries = 0"
    return {
        "deal_add": add(deals.format(rows="new_rows")),
        "deal_take": take(deals.format(rows="old_rows")),
        "milestone_add": add(milestones.format(rows="new_rows")),
        "milestone_take": take(milestones.format(rows="old_rows")),
        "prune_days": prune_days,
        "contracted_add": (
            f"INSERT INTO {CONTRACTED} (first_month, last_month, currency, monthly_cents, entries) "
            f"SELECT first_month, last_month, currency, cents, entries FROM ({contracted.format(rows='new_rows')}) g "
            "ORDER BY 1, 2, 3 ON CONFLICT (first_month, last_month, currency) DO UPDATE SET "
            f"monthly_cents = {CONTRACTED}.monthly_cents + excluded.monthly_cents, entries = {CONTRACTED}.entries + excluded.entries"
        ),
        "contracted_take": (
            f"WITH gone AS ({contracted.format(rows='old_rows')}) UPDATE {CONTRACTED} s SET "
            "monthly_cents = s.monthly_cents - g.cents, entries = s.entries - g.entries FROM gone g "
            "WHERE s.first_month = g.first_month AND s.last_month = g.last_month AND s.currency = g.currency"
        ),
        "prune_contracted": f"DELETE FROM {CONTRACTED} WHERE entries = 0",
        "moved_take": take(contract_milestones.format(
            moved=f"(SELECT id, old_currency AS currency, was_in FROM {moved} x)", where="k.was_in")),
        "moved_add": add(contract_milestones.format(
            moved=f"(SELECT id, new_currency AS currency, is_in FROM {moved} x)", where="k.is_in")),
        "gone_contract_milestones_take": take(contract_milestones.format(
            moved="old_rows", where=f"k.status IN {ACTIVE_OR_NEGOTIATION}")),
        "new_contract_milestones_add": add(contract_milestones.format(
            moved="new_rows", where=f"k.status IN {ACTIVE_OR_NEGOTIATION}")),
    }


def _postgresql() -> list[str]:
    s = _postgresql_statements()

    def run(*names: str) -> str:
        return "".join(s[name] + ";\n" for name in names)

    def when(operation: str, body: str) -> str:
        return f"IF TG_OP = '{operation}' THEN\n{body}END IF;\n"

    def function(name: str, table: str, body: str) -> list[str]:
        return [
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n{body}RETURN NULL;\nEND\n$$",
            f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
            f"CREATE TRIGGER {name}_update AFTER UPDATE ON {table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
            f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
        ]

    return [
        *function(
            "forecast_sum_deal", "commercial_opportunity",
            when("INSERT", run("deal_add"))
            + when("UPDATE", run("deal_take", "deal_add", "prune_days"))
            + when("DELETE", run("deal_take", "prune_days")),
        ),
        *function(
            "forecast_sum_milestone", "commercial_billingmilestone",
            when("INSERT", run("milestone_add"))
            + when("UPDATE", run("milestone_take", "milestone_add", "prune_days"))
            + when("DELETE", run("milestone_take", "prune_days")),
        ),
        *function(
            "forecast_sum_contract", "commercial_contract",
            when("INSERT", run("contracted_add", "new_contract_milestones_add"))
            + when("UPDATE", run("contracted_take", "contracted_add", "prune_contracted", "moved_take", "moved_add", "prune_days"))
            + when("DELETE", run("contracted_take", "prune_contracted", "gone_contract_milestones_take", "prune_days")),
        ),
    ]


def _fill(vendor: str) -> list[str]:
    d = DIALECT[vendor]

    def cents(value: str) -> str:
        return d["cents"].format(value)

    return [
        f"INSERT INTO {MONTH_SUMS} (kind, month, currency, category, amount_cents, weighted_cents, entries) "
        f"SELECT 'deal', {d['month'].format('expected_close_date')}, currency, forecast_category, SUM({cents('amount')}), "
        f"SUM({cents('amount')} * probability), COUNT(*) FROM commercial_opportunity "
        f"WHERE status = 'open' AND forecast_category <> 'omitted' GROUP BY {d['month'].format('expected_close_date')}, currency, forecast_category",
        f"INSERT INTO {MONTH_SUMS} (kind, month, currency, category, amount_cents, weighted_cents, entries) "
        f"SELECT 'milestone', {d['month'].format('m.due_date')}, c.currency, '', SUM({cents('m.amount')}), 0, COUNT(*) "
        f"FROM commercial_billingmilestone m JOIN commercial_contract c ON c.id = m.contract_id "
        f"WHERE m.billed_on IS NULL AND c.status IN {ACTIVE_OR_NEGOTIATION} GROUP BY {d['month'].format('m.due_date')}, c.currency",
        f"INSERT INTO {CONTRACTED} (first_month, last_month, currency, monthly_cents, entries) "
        f"SELECT {d['month'].format('start_date')}, COALESCE({d['month'].format('end_date')}, {d['open_ended']}), currency, "
        f"SUM({cents('monthly_amount')}), COUNT(*) FROM commercial_contract WHERE status = 'active' "
        f"GROUP BY {d['month'].format('start_date')}, COALESCE({d['month'].format('end_date')}, {d['open_ended']}), currency",
    ]


TRIGGERS = {
    "sqlite": [
        "forecast_sum_deal_insert", "forecast_sum_deal_delete", "forecast_sum_deal_update",
        "forecast_sum_milestone_insert", "forecast_sum_milestone_delete", "forecast_sum_milestone_update",
        "forecast_sum_contract_insert", "forecast_sum_contract_delete", "forecast_sum_contract_update",
        "forecast_sum_contract_moves",
    ],
    "postgresql": [
        ("forecast_sum_deal", "commercial_opportunity"), ("forecast_sum_milestone", "commercial_billingmilestone"),
        ("forecast_sum_contract", "commercial_contract"),
    ],  # each function with an _insert, _update and _delete trigger
}


def install(apps, schema_editor):  # noqa: ANN001, ARG001 (a migration's signature)
    vendor = schema_editor.connection.vendor
    build = {"sqlite": _sqlite, "postgresql": _postgresql}[vendor]
    for statement in [*_fill(vendor), *build()]:
        schema_editor.execute(statement, params=None)


def uninstall(apps, schema_editor):  # noqa: ANN001, ARG001
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = [f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS["sqlite"]]
    else:
        statements = [
            sql for name, table in TRIGGERS["postgresql"]
            for sql in (
                *(f"DROP TRIGGER IF EXISTS {name}_{event} ON {table}" for event in ("insert", "update", "delete")),
                f"DROP FUNCTION IF EXISTS {name}()",
            )
        ]
    for statement in [*statements, f"DELETE FROM {MONTH_SUMS}", f"DELETE FROM {CONTRACTED}"]:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('commercial', '0005_list_order_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='ContractedSum',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('first_month', models.DateField()),
                ('last_month', models.DateField()),
                ('currency', models.CharField(default='EUR', max_length=3, validators=[django.core.validators.RegexValidator('^[A-Z]{3}$', 'Use a three-letter ISO 4217 code in capitals, e.g. EUR.')], verbose_name='currency')),
                ('monthly_cents', models.BigIntegerField(default=0)),
                ('entries', models.IntegerField(default=0)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('first_month', 'last_month', 'currency'), name='contracted_sum_key')],
            },
        ),
        migrations.CreateModel(
            name='ForecastMonthSum',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('deal', 'Open deal'), ('milestone', 'Unbilled milestone')], max_length=10)),
                ('month', models.DateField(help_text='The first day of the month of the expected close or due date.')),
                ('currency', models.CharField(default='EUR', max_length=3, validators=[django.core.validators.RegexValidator('^[A-Z]{3}$', 'Use a three-letter ISO 4217 code in capitals, e.g. EUR.')], verbose_name='currency')),
                ('category', models.CharField(blank=True, max_length=16)),
                ('amount_cents', models.BigIntegerField(default=0)),
                ('weighted_cents', models.BigIntegerField(default=0, help_text='Σ amount in cents × probability (percent).')),
                ('entries', models.IntegerField(default=0)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('kind', 'month', 'currency', 'category'), name='forecast_month_sum_key')],
            },
        ),
        migrations.RunPython(install, uninstall),
    ]

"""The database's own full-text index over ``core_searchentry``.

SQLite: an external-content FTS5 table (``unicode61``, diacritics folded) kept in step by
triggers on the entry table. PostgreSQL: a stored generated ``tsvector`` column (the
``simple`` configuration: names, not language stems) with a GIN index.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE core_searchentry_fts USING fts5(
        title, subtitle, text, content='core_searchentry', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER core_searchentry_ai AFTER INSERT ON core_searchentry BEGIN
        INSERT INTO core_searchentry_fts(rowid, title, subtitle, text)
        VALUES (new.id, new.title, new.subtitle, new.text); END""",
    """CREATE TRIGGER core_searchentry_ad AFTER DELETE ON core_searchentry BEGIN
        INSERT INTO core_searchentry_fts(core_searchentry_fts, rowid, title, subtitle, text)
        VALUES ('delete', old.id, old.title, old.subtitle, old.text); END""",
    """CREATE TRIGGER core_searchentry_au AFTER UPDATE ON core_searchentry BEGIN
        INSERT INTO core_searchentry_fts(core_searchentry_fts, rowid, title, subtitle, text)
        VALUES ('delete', old.id, old.title, old.subtitle, old.text);
        INSERT INTO core_searchentry_fts(rowid, title, subtitle, text)
        VALUES (new.id, new.title, new.subtitle, new.text); END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS core_searchentry_au",
    "DROP TRIGGER IF EXISTS core_searchentry_ad",
    "DROP TRIGGER IF EXISTS core_searchentry_ai",
    "DROP TABLE IF EXISTS core_searchentry_fts",
]
POSTGRES_FORWARD = [
    """ALTER TABLE core_searchentry ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', coalesce(title, '')), 'A') ||
        setweight(to_tsvector('simple', coalesce(subtitle, '')), 'B') ||
        setweight(to_tsvector('simple', coalesce(text, '')), 'C')) STORED""",
    "CREATE INDEX core_searchentry_vector_idx ON core_searchentry USING GIN (search_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS core_searchentry_vector_idx",
    "ALTER TABLE core_searchentry DROP COLUMN IF EXISTS search_vector",
]


def forward(apps, schema_editor):
    statements = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    statements = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_search_entries")]
    operations = [migrations.RunPython(forward, backward)]

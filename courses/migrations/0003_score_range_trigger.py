"""The database refuses an assessment score outside its component's range.

A CHECK constraint cannot look at another table, so this is a trigger, written for each
database the project runs on. Changing a component's range so that a recorded score falls
outside it is refused as well. Both raise an integrity error (PostgreSQL: check_violation).
"""

from django.db import migrations

POSTGRESQL_FORWARD = """
CREATE OR REPLACE FUNCTION courses_result_score_in_range() RETURNS trigger AS $$
DECLARE lo numeric; hi numeric;
BEGIN
    SELECT min_score, max_score INTO lo, hi
      FROM courses_assessmentcomponent WHERE id = NEW.component_id;
    IF NEW.score < lo OR NEW.score > hi THEN
        RAISE EXCEPTION 'assessment score % is outside the component range % to %', NEW.score, lo, hi
            USING ERRCODE = 'check_violation', CONSTRAINT = 'result_score_in_component_range';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER result_score_in_component_range
    BEFORE INSERT OR UPDATE OF score, component_id ON courses_assessmentresult
    FOR EACH ROW EXECUTE FUNCTION courses_result_score_in_range();

CREATE OR REPLACE FUNCTION courses_component_range_covers_scores() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM courses_assessmentresult r
                WHERE r.component_id = NEW.id
                  AND (r.score < NEW.min_score OR r.score > NEW.max_score)) THEN
        RAISE EXCEPTION 'component % range % to % leaves recorded scores outside it', NEW.id, NEW.min_score, NEW.max_score
            USING ERRCODE = 'check_violation', CONSTRAINT = 'component_range_covers_scores';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER component_range_covers_scores
    BEFORE UPDATE OF min_score, max_score ON courses_assessmentcomponent
    FOR EACH ROW EXECUTE FUNCTION courses_component_range_covers_scores();
"""

POSTGRESQL_REVERSE = """
DROP TRIGGER IF EXISTS result_score_in_component_range ON courses_assessmentresult;
DROP FUNCTION IF EXISTS courses_result_score_in_range();
DROP TRIGGER IF EXISTS component_range_covers_scores ON courses_assessmentcomponent;
DROP FUNCTION IF EXISTS courses_component_range_covers_scores();
"""

_SQLITE_RESULT_CHECK = """
    WHEN EXISTS (SELECT 1 FROM courses_assessmentcomponent c
                  WHERE c.id = NEW.component_id
                    AND (NEW.score < c.min_score OR NEW.score > c.max_score))
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: result_score_in_component_range'); END
"""

SQLITE_FORWARD = [
    "CREATE TRIGGER result_score_in_component_range_insert BEFORE INSERT ON courses_assessmentresult"
    + _SQLITE_RESULT_CHECK,
    "CREATE TRIGGER result_score_in_component_range_update"
    " BEFORE UPDATE OF score, component_id ON courses_assessmentresult" + _SQLITE_RESULT_CHECK,
    """CREATE TRIGGER component_range_covers_scores
    BEFORE UPDATE OF min_score, max_score ON courses_assessmentcomponent
    WHEN EXISTS (SELECT 1 FROM courses_assessmentresult r
                  WHERE r.component_id = NEW.id
                    AND (r.score < NEW.min_score OR r.score > NEW.max_score))
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: component_range_covers_scores'); END""",
]

SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS result_score_in_component_range_insert",
    "DROP TRIGGER IF EXISTS result_score_in_component_range_update",
    "DROP TRIGGER IF EXISTS component_range_covers_scores",
]


def _run(schema_editor, statements) -> None:
    for statement in statements:
        # params=None: the SQL's own % signs (plpgsql RAISE) are not query placeholders.
        schema_editor.execute(statement, params=None)


def forward(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, [POSTGRESQL_FORWARD])
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_FORWARD)
    else:
        raise NotImplementedError(f"No score range trigger for {vendor}")


def reverse(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    _run(schema_editor, [POSTGRESQL_REVERSE] if vendor == "postgresql" else SQLITE_REVERSE)


class Migration(migrations.Migration):
    dependencies = [("courses", "0002_initial")]

    operations = [migrations.RunPython(forward, reverse)]

"""Backups restored on a copy: `manage.py backup`, then `manage.py restore` into a fresh database
and a fresh media folder, compared table by table and file by file with the original.

The round trip runs on the configured database: PostgreSQL in CI (pg_dump and pg_restore), SQLite
locally (the online backup API). The tests marked PostgreSQL need it (skipped locally with the
reason, failing under CI=true); the SQLite path is also proven on a standalone file, whatever
the suite runs on. Transactional tests: pg_dump reads committed rows from its own connection.
"""

import io
import json
import os
import sqlite3
import tarfile
import uuid
from contextlib import closing
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from imports.models import ImportFile
from operations import backups
from reports.models import ReportRequest
from tests import factories, services
from tests.conftest import require

pytestmark = pytest.mark.django_db(transaction=True)

IMPORT_BYTES = b'service_number,last_name\nKZ-000001,Abenov\n=HYPERLINK("x")\n'
REPORT_BYTES = bytes(range(256)) * 40  # binary, like an XLSX


# Fixtures and helpers ----------------------------------------------------------------------


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """A MEDIA_ROOT of this test's own: the files compared are exactly the ones it made."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def restore_target(tmp_path):
    """Names for fresh databases to restore into (a PostgreSQL database on the test server, or
    a SQLite file); every PostgreSQL one is dropped afterwards, even when the test failed."""
    created: list[str] = []

    def make() -> str:
        if connection.vendor == "postgresql":
            name = f"{connection.settings_dict['NAME']}_restored_{uuid.uuid4().hex[:8]}"
            created.append(name)
            return name
        return str(tmp_path / f"restored-{uuid.uuid4().hex[:8]}.sqlite3")

    yield make
    if created:
        from psycopg import sql

        with backups._pg_connect(connection.settings_dict, name="postgres") as conn:
            for name in created:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )


def database_connection(name: str):
    """A DB-API connection to a database on the test server (or a SQLite file), outside Django."""
    if connection.vendor == "postgresql":
        return backups._pg_connect(connection.settings_dict, name=name)
    return sqlite3.connect(name)


def table_snapshot(cursor_execute, table: str) -> tuple[int, list[tuple]]:
    """The table's row count and its first rows (by the first column, the key)."""
    quoted = connection.ops.quote_name(table)
    count = cursor_execute(f"SELECT count(*) FROM {quoted}")[0][0]
    rows = cursor_execute(f"SELECT * FROM {quoted} ORDER BY 1 LIMIT 5")
    return count, [tuple(row) for row in rows]


def build_register() -> dict:
    """Real rows in every app, and two files in MEDIA_ROOT."""
    registrar = factories.UserFactory(username="backup-registrar")
    people = factories.PersonFactory.create_batch(3, last_name="Абенов")
    certification = factories.CertificationFactory(person=people[0], number="UNSOC-2026-0042")
    cohort = factories.CohortFactory()
    factories.EnrolmentFactory(cohort=cohort, person=people[1])
    upload = ImportFile(
        kind=ImportFile.Kind.PEOPLE,
        original_name="register.csv",
        size=len(IMPORT_BYTES),
        sha256="0" * 64,
        uploaded_by=registrar,
    )
    upload.file.save("register.csv", ContentFile(IMPORT_BYTES), save=True)
    report = ReportRequest.objects.create(
        kind=ReportRequest.Kind.READINESS_MATRIX,
        format=ReportRequest.Format.XLSX,
        title="Readiness matrix",
        requested_by=registrar,
    )
    report.file.save("matrix.xlsx", ContentFile(REPORT_BYTES), save=False)
    report.status = ReportRequest.Status.DONE
    report.filename = "matrix.xlsx"
    report.finished_at = timezone.now()
    report.save()
    return {
        "people": people,
        "certification": certification,
        "upload": upload,
        "report": report,
    }


def only_backup(output: Path) -> Path:
    [folder] = backups.backup_list(output=output)
    return folder


def standalone_sqlite(path: Path, rows: int = 3) -> dict:
    """A small SQLite database with migration records and rows: the SQLite path, tested the
    same whatever database the suite itself runs on."""
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE django_migrations (id INTEGER PRIMARY KEY, app, name, applied)")
        conn.executemany(
            "INSERT INTO django_migrations (app, name, applied) VALUES (?, ?, '2026-01-01')",
            [
                ("personnel", "0001_initial"),
                ("personnel", "0002_more"),
                ("courses", "0001_initial"),
            ],
        )
        conn.execute("CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT)")
        conn.executemany(
            "INSERT INTO person (name) VALUES (?)", [(f"Person {n}",) for n in range(rows)]
        )
        conn.commit()
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}


# The round trip on the configured database ------------------------------------------------


def test_backup_then_restore_on_a_copy_matches_every_table_and_file(tmp_path, restore_target):
    built = build_register()
    output = tmp_path / "backups"
    call_command("backup", output=output, stdout=io.StringIO())
    folder = only_backup(output)
    target = restore_target()
    media_copy = tmp_path / "media-restored"

    out = io.StringIO()
    call_command("restore", folder, database=target, media_root=media_copy, stdout=out)
    assert "Restored" in out.getvalue()

    tables = connection.introspection.table_names()
    for app_table in ("personnel_person", "courses_certification", "peacecentre_importfile"):
        assert app_table in tables
    # The same driver on both sides, outside Django: values compare as the database holds them.
    source_name = connection.settings_dict["NAME"]
    with (
        closing(database_connection(source_name)) as source,
        closing(database_connection(target)) as copy,
    ):

        def original(query):
            return source.execute(query).fetchall()

        def restored(query):
            return copy.execute(query).fetchall()

        for table in tables:
            assert table_snapshot(restored, table) == table_snapshot(original, table), table
        # A few values read back by name, not only compared wholesale.
        assert restored("SELECT count(*) FROM personnel_person")[0][0] == 3
        assert {row[0] for row in restored("SELECT last_name FROM personnel_person")} == {"Абенов"}
        assert restored("SELECT number FROM courses_certification") == [("UNSOC-2026-0042",)]
        assert restored("SELECT file FROM peacecentre_importfile") == [(built["upload"].file.name,)]
        assert restored("SELECT count(*) FROM courses_enrolment")[0][0] == 1

    # Every file, byte for byte, at the path its row names.
    originals = {
        path.relative_to(settings.MEDIA_ROOT): path.read_bytes()
        for path in Path(settings.MEDIA_ROOT).rglob("*")
        if path.is_file()
    }
    copies = {
        path.relative_to(media_copy): path.read_bytes()
        for path in media_copy.rglob("*")
        if path.is_file()
    }
    assert copies == originals
    assert copies[Path(built["upload"].file.name)] == IMPORT_BYTES
    assert copies[Path(built["report"].file.name)] == REPORT_BYTES


def test_manifest_records_migrations_sizes_and_checksums(tmp_path):
    build_register()
    result = backups.backup_create(output=tmp_path)
    manifest = json.loads((result.folder / "manifest.json").read_text())

    applied = MigrationRecorder(connection).applied_migrations()
    assert {(app, name) for app, names in manifest["migrations"].items() for name in names} == set(
        applied
    )
    assert "0003_worker_heartbeat_schedule" in manifest["migrations"]["peacecentre"]
    dump = "database.dump" if connection.vendor == "postgresql" else "database.sqlite3"
    assert set(manifest["files"]) == {dump, "media.tar.gz"}
    for name, entry in manifest["files"].items():
        path = result.folder / name
        assert entry["size"] == path.stat().st_size
        assert entry["sha256"] == backups._sha256(path)
    assert manifest["media"]["files"] == 2
    assert manifest["database"]["vendor"] == connection.vendor
    assert result.folder.name.startswith("peacecentre-")
    assert result.folder.name.endswith("Z")
    # Personal data: only the backup's owner reads it.
    assert result.folder.stat().st_mode & 0o777 == 0o700
    assert {path.stat().st_mode & 0o777 for path in result.folder.iterdir()} == {0o600}


@pytest.fixture
def permissive_umask():
    """The process's umask as a careless shell leaves it (group-writable, world-readable)."""
    previous = os.umask(0o002)
    yield 0o002
    os.umask(previous)


def test_backup_files_are_created_for_their_owner_only_whatever_the_umask(
    tmp_path, permissive_umask
):
    """Nothing chmods afterwards: the dump, the archive and the manifest are created 0600 (the
    folder 0700) under the command's own umask, and the caller's umask is given back."""
    build_register()
    out = io.StringIO()
    call_command("backup", output=tmp_path / "backups", stdout=out)
    [folder] = backups.backup_list(output=tmp_path / "backups")
    assert folder.stat().st_mode & 0o777 == 0o700
    modes = {path.name: path.stat().st_mode & 0o777 for path in folder.iterdir()}
    assert len(modes) == 3, modes  # the database, the media archive, the manifest
    assert set(modes.values()) == {0o600}, modes
    assert os.umask(permissive_umask) == permissive_umask  # given back


def test_a_failed_backup_gives_the_umask_back(tmp_path, permissive_umask):
    missing = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "none.sqlite3")}
    with pytest.raises(backups.BackupError, match="does not exist"):
        backups.backup_create(output=tmp_path / "backups", database=missing)
    assert os.umask(permissive_umask) == permissive_umask
    assert list((tmp_path / "backups").iterdir()) == []  # the partial folder went too


def test_check_catches_a_corrupted_archive_and_restore_refuses_it(tmp_path, restore_target):
    build_register()
    folder = backups.backup_create(output=tmp_path / "backups").folder
    out = io.StringIO()
    call_command("restore", folder, check=True, stdout=out)
    assert "matches its manifest" in out.getvalue()

    archive = folder / "media.tar.gz"
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte, same size
    archive.write_bytes(bytes(data))

    with pytest.raises(CommandError, match=r"media\.tar\.gz does not match its SHA-256"):
        call_command("restore", folder, check=True, stdout=io.StringIO())
    target = restore_target()
    with pytest.raises(CommandError, match="fails its check"):
        call_command(
            "restore", folder, database=target, media_root=tmp_path / "m", stdout=io.StringIO()
        )
    assert not (tmp_path / "m").exists()  # nothing written


def test_check_names_a_missing_or_truncated_database_file(tmp_path):
    build_register()
    folder = backups.backup_create(output=tmp_path).folder
    dump = next(path for path in folder.iterdir() if path.name.startswith("database."))
    dump.write_bytes(dump.read_bytes()[:-10])
    assert backups.backup_check(folder=folder) == [
        f"{dump.name} is {dump.stat().st_size} bytes; the manifest says {dump.stat().st_size + 10}."
    ]
    dump.unlink()
    assert backups.backup_check(folder=folder) == [f"{dump.name} is missing."]
    (folder / "manifest.json").unlink()
    assert "not a backup folder" in backups.backup_check(folder=folder)[0]


def test_restore_refuses_a_non_empty_database_without_force(tmp_path, restore_target):
    people = build_register()["people"]
    folder = backups.backup_create(output=tmp_path / "backups").folder
    target = restore_target()
    call_command(
        "restore", folder, database=target, media_root=tmp_path / "m1", stdout=io.StringIO()
    )
    with closing(database_connection(target)) as copy:
        copy.execute(f"DELETE FROM personnel_person WHERE id = {people[2].pk}")
        if connection.vendor == "sqlite":
            copy.commit()

    with pytest.raises(CommandError, match=r"is not empty.*--force"):
        call_command(
            "restore", folder, database=target, media_root=tmp_path / "m2", stdout=io.StringIO()
        )
    assert not (tmp_path / "m2").exists()
    with closing(database_connection(target)) as copy:  # left as it was
        assert copy.execute("SELECT count(*) FROM personnel_person").fetchall()[0][0] == 2

    call_command(
        "restore",
        folder,
        database=target,
        media_root=tmp_path / "m2",
        force=True,
        stdout=io.StringIO(),
    )
    with closing(database_connection(target)) as copy:  # replaced by the backup's rows
        assert copy.execute("SELECT count(*) FROM personnel_person").fetchall()[0][0] == 3


def test_restore_refuses_a_media_folder_that_is_not_empty(tmp_path, restore_target):
    build_register()
    folder = backups.backup_create(output=tmp_path / "backups").folder
    media = tmp_path / "media-in-use"
    media.mkdir()
    (media / "keep.txt").write_text("someone's file")
    target = restore_target()
    with pytest.raises(CommandError, match=r"media-in-use is not empty.*--force"):
        call_command("restore", folder, database=target, media_root=media, stdout=io.StringIO())
    if connection.vendor == "sqlite":  # refused before the database was touched
        assert not Path(target).exists()
    else:
        with backups._pg_connect(connection.settings_dict, name="postgres") as conn:
            assert not conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [target]
            ).fetchone()


def test_restore_needs_a_target():
    with pytest.raises(CommandError, match="--database and --media-root"):
        call_command("restore", "/nowhere", stdout=io.StringIO())


# PostgreSQL only ---------------------------------------------------------------------------


def test_postgresql_backup_is_a_custom_format_dump_and_restore_creates_the_database(
    tmp_path, restore_target
):
    require(*services.postgresql())
    build_register()
    folder = backups.backup_create(output=tmp_path).folder
    assert (folder / "database.dump").read_bytes()[:5] == b"PGDMP"  # pg_dump --format=custom
    target = restore_target()
    result = backups.backup_restore(folder=folder, database=target, media_root=tmp_path / "m")
    assert result.database == target
    assert result.tables == len(connection.introspection.table_names())
    assert result.media_files == 2
    assert result.warnings == []  # same code, same migrations

    # The target as a full URL: another server or user than DATABASE_URL's.
    source = connection.settings_dict
    other = restore_target()
    credentials = f"{source['USER']}:{source['PASSWORD']}"
    server = f"{source['HOST'] or 'localhost'}:{source['PORT'] or 5432}"
    url = f"postgres://{credentials}@{server}/{other}"
    result = backups.backup_restore(folder=folder, database=url, media_root=tmp_path / "m2")
    assert result.database == other
    with closing(database_connection(other)) as copy:
        assert copy.execute("SELECT count(*) FROM personnel_person").fetchone()[0] == 3


def test_postgresql_missing_pg_dump_is_named(tmp_path, monkeypatch):
    require(*services.postgresql())
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no pg_dump anywhere
    with pytest.raises(CommandError, match=r"pg_dump was not found.*postgresql-client"):
        call_command("backup", output=tmp_path / "b", stdout=io.StringIO())
    assert backups.backup_list(output=tmp_path / "b") == []


# Whatever the suite runs on -----------------------------------------------------------------


def test_missing_client_binaries_are_named(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    postgres = {"ENGINE": "django.db.backends.postgresql", "NAME": "peacecentre"}
    with pytest.raises(backups.BackupError, match=r"pg_dump was not found.*postgresql-client"):
        backups.backup_create(output=tmp_path / "b", database=postgres, media_root=tmp_path)
    with pytest.raises(backups.BackupError, match="pg_restore was not found"):
        backups._restore_database(tmp_path, backups.POSTGRESQL, postgres, force=False)


def test_sqlite_backup_and_restore_of_a_file(tmp_path):
    database = standalone_sqlite(tmp_path / "db.sqlite3")
    media = tmp_path / "media"
    (media / "imports" / "people").mkdir(parents=True)
    (media / "imports" / "people" / "a.csv").write_bytes(IMPORT_BYTES)
    result = backups.backup_create(output=tmp_path / "b", database=database, media_root=media)
    assert result.manifest["database"] == {"vendor": "sqlite", "name": "db.sqlite3"}
    assert result.manifest["migrations"] == {
        "courses": ["0001_initial"],
        "personnel": ["0001_initial", "0002_more"],
    }

    target = tmp_path / "restored.sqlite3"
    restored = backups.backup_restore(
        folder=result.folder, database=str(target), media_root=tmp_path / "m"
    )
    assert restored.tables == 2
    assert (tmp_path / "m" / "imports" / "people" / "a.csv").read_bytes() == IMPORT_BYTES
    with closing(sqlite3.connect(target)) as conn:
        assert conn.execute("SELECT name FROM person ORDER BY id").fetchall() == [
            ("Person 0",),
            ("Person 1",),
            ("Person 2",),
        ]
    # These migrations are not this code's: the restore says what to do about it.
    assert any("personnel.0002_more" in warning for warning in restored.warnings)

    with pytest.raises(backups.BackupError, match=r"restored\.sqlite3 is not empty"):
        backups.backup_restore(
            folder=result.folder, database=str(target), media_root=tmp_path / "n"
        )


def test_sqlite_backup_is_consistent_while_a_writer_holds_a_transaction(tmp_path):
    database = standalone_sqlite(tmp_path / "db.sqlite3")
    with closing(sqlite3.connect(database["NAME"])) as writer:
        writer.execute("INSERT INTO person (name) VALUES ('uncommitted')")  # open transaction
        result = backups.backup_create(
            output=tmp_path / "b", database=database, media_root=tmp_path / "none"
        )
        writer.rollback()
    with closing(sqlite3.connect(result.folder / "database.sqlite3")) as copy:
        assert copy.execute("SELECT count(*) FROM person").fetchone()[0] == 3
    assert result.manifest["media"]["files"] == 0


def test_a_failed_backup_leaves_no_folder(tmp_path):
    missing = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "absent.sqlite3")}
    with pytest.raises(backups.BackupError, match=r"absent\.sqlite3 does not exist"):
        backups.backup_create(output=tmp_path / "b", database=missing, media_root=tmp_path)
    assert list((tmp_path / "b").iterdir()) == []


def test_keep_removes_all_but_the_newest_backups(tmp_path):
    database = standalone_sqlite(tmp_path / "db.sqlite3")
    output = tmp_path / "b"
    (output / "unrelated").mkdir(parents=True)  # never touched
    times = [timezone.now() - timezone.timedelta(days=days) for days in (3, 2, 1, 0)]
    for now in times[:3]:
        backups.backup_create(output=output, database=database, media_root=tmp_path / "m", now=now)
    result = backups.backup_create(
        output=output, database=database, media_root=tmp_path / "m", now=times[3], keep=2
    )
    kept = backups.backup_list(output=output)
    assert kept[-1] == result.folder
    assert len(kept) == 2
    assert len(result.removed) == 2
    assert all(removed < kept[0] for removed in result.removed)  # the oldest went
    assert (output / "unrelated").is_dir()
    with pytest.raises(backups.BackupError, match="--keep must be at least 1"):
        backups.backup_create(output=output, database=database, media_root=tmp_path, keep=0)


def test_an_archive_reaching_outside_the_media_folder_is_refused(tmp_path):
    database = standalone_sqlite(tmp_path / "db.sqlite3")
    folder = backups.backup_create(
        output=tmp_path / "b", database=database, media_root=tmp_path / "m"
    ).folder
    archive = folder / "media.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        info = tarfile.TarInfo("../../escaped.txt")
        info.size = 4
        tar.addfile(info, io.BytesIO(b"evil"))
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"]["media.tar.gz"] = {  # a consistent manifest: only the path betrays it
        "size": archive.stat().st_size,
        "sha256": backups._sha256(archive),
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    [problem] = backups.backup_check(folder=folder)
    assert "outside the media folder" in problem
    with pytest.raises(backups.BackupError, match="outside the media folder"):
        backups.backup_restore(
            folder=folder, database=str(tmp_path / "r.sqlite3"), media_root=tmp_path / "r" / "m"
        )
    assert not (tmp_path / "r.sqlite3").exists()
    assert not (tmp_path / "escaped.txt").exists()

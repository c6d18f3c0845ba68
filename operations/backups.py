"""Backups of the database and of MEDIA_ROOT, their check, and their restore (docs/operations.md).

A backup is one folder, `peacecentre-<UTC time>/`, holding
- `database.dump`: `pg_dump --format=custom` of the database (PostgreSQL), or
  `database.sqlite3`: a copy made with SQLite's online backup API (the development default);
- `media.tar.gz`: everything under MEDIA_ROOT (uploaded import files, report files);
- `manifest.json`: when, which database engine, the migrations applied per app, and each
  file's size and SHA-256.
The folder is written under a `.partial` name and renamed when complete, so a backup that died
halfway never looks like one. pg_dump and pg_restore come from the PostgreSQL client package
(Debian: postgresql-client); their connection settings go to them through PG* environment
variables, never on the command line where `ps` would show the password.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import environ
from django.conf import settings
from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext as _

MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar.gz"
POSTGRESQL_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
FOLDER_PREFIX = "peacecentre-"
FORMAT_VERSION = 1
POSTGRESQL = "postgresql"
SQLITE = "sqlite"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """Why a backup, check or restore could not be done, in words an operator can act on."""


@dataclass(frozen=True)
class BackupResult:
    folder: Path
    manifest: dict[str, Any]
    removed: list[Path] = field(default_factory=list)  # older backups past --keep


@dataclass(frozen=True)
class RestoreResult:
    database: str  # the database's name or the SQLite file restored into
    tables: int
    media_files: int
    warnings: list[str] = field(default_factory=list)


# The database, whatever its engine -------------------------------------------------------


def _vendor(database: dict[str, Any]) -> str:
    engine = database["ENGINE"]
    if engine.endswith("postgresql"):
        return POSTGRESQL
    if engine.endswith("sqlite3"):
        return SQLITE
    raise BackupError(
        _("Backups support PostgreSQL and SQLite, not %(engine)s.") % {"engine": engine}
    )


def _client_binary(name: str) -> str:
    """The path of pg_dump or pg_restore, or a BackupError that says what to install."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            _(
                "%(program)s was not found on the PATH. Install the PostgreSQL client tools "
                "(Debian: apt-get install postgresql-client), of the server's major version "
                "or newer."
            )
            % {"program": name}
        )
    return path


def _pg_environment(database: dict[str, Any]) -> dict[str, str]:
    """PG* variables for pg_dump/pg_restore: the password stays out of the process list."""
    variables = {
        "PGHOST": database.get("HOST") or "",
        "PGPORT": str(database.get("PORT") or ""),
        "PGUSER": database.get("USER") or "",
        "PGPASSWORD": database.get("PASSWORD") or "",
        "PGDATABASE": database.get("NAME") or "",
    }
    options = database.get("OPTIONS") or {}
    if options.get("sslmode"):
        variables["PGSSLMODE"] = str(options["sslmode"])
    return {**os.environ, **{key: value for key, value in variables.items() if value}}


def _pg_connect(database: dict[str, Any], *, name: str | None = None):
    import psycopg

    options = database.get("OPTIONS") or {}
    parameters = {
        "host": database.get("HOST") or None,
        "port": database.get("PORT") or None,
        "user": database.get("USER") or None,
        "password": database.get("PASSWORD") or None,
        "dbname": name or database["NAME"],
        "sslmode": options.get("sslmode"),
        "connect_timeout": 10,
    }
    return psycopg.connect(
        **{key: value for key, value in parameters.items() if value}, autocommit=True
    )


def _run(command: list[str], *, environment: dict[str, str], program: str) -> None:
    completed = subprocess.run(command, env=environment, capture_output=True, text=True)
    if completed.returncode != 0:
        raise BackupError(
            _("%(program)s failed (exit status %(status)s): %(error)s")
            % {
                "program": program,
                "status": completed.returncode,
                "error": completed.stderr.strip() or _("no message"),
            }
        )


def _applied_migrations(database: dict[str, Any]) -> dict[str, list[str]]:
    """The migrations recorded in django_migrations, per app (empty when the table is absent)."""
    query = "SELECT app, name FROM django_migrations ORDER BY app, id"
    if _vendor(database) == SQLITE:
        with closing(sqlite3.connect(database["NAME"])) as conn:
            exists = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
            ).fetchone()
            rows = conn.execute(query).fetchall() if exists else []
    else:
        with _pg_connect(database) as conn:
            exists = conn.execute("SELECT to_regclass('django_migrations')").fetchone()[0]
            rows = conn.execute(query).fetchall() if exists else []
    applied: dict[str, list[str]] = {}
    for app, name in rows:
        applied.setdefault(app, []).append(name)
    return applied


def _sqlite_copy(source: Path, target: Path) -> None:
    """SQLite's online backup API: a consistent copy even while others write to the source."""
    with closing(sqlite3.connect(source)) as origin, closing(sqlite3.connect(target)) as copy:
        origin.backup(copy)


def _dump(database: dict[str, Any], folder: Path) -> Path:
    if _vendor(database) == SQLITE:
        target = folder / SQLITE_COPY
        source_path = Path(database["NAME"])
        if not source_path.is_file():
            raise BackupError(
                _("The SQLite database %(path)s does not exist.") % {"path": source_path}
            )
        # Not a file copy: web, worker and beat may be writing (a copy could catch a write
        # halfway, or miss what is still in the WAL file).
        _sqlite_copy(source_path, target)
        return target
    target = folder / POSTGRESQL_DUMP
    pg_dump = _client_binary("pg_dump")
    _run(
        [pg_dump, "--format=custom", "--no-password", f"--file={target}"],
        environment=_pg_environment(database),
        program="pg_dump",
    )
    return target


# Files -------------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _archive_media(media_root: Path, target: Path) -> int:
    """Everything under media_root, with paths relative to it; returns the number of files."""
    count = 0
    with tarfile.open(target, "w:gz") as archive:
        if media_root.is_dir():
            for path in sorted(media_root.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    archive.add(path, arcname=str(path.relative_to(media_root)), recursive=False)
                    count += 1
    return count


def _folder_is_empty(folder: Path) -> bool:
    return not folder.exists() or not any(folder.iterdir())


# Backup ------------------------------------------------------------------------------------


@contextmanager
def _owner_only_files() -> Iterator[None]:
    """Every file and folder made meanwhile (ours, pg_dump's, tar's) is created readable by its
    owner only (umask 077), never group- or world-readable even for a moment: backups hold
    personal data. The umask is the process's: the backup command runs alone in its process."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def backup_create(
    *,
    output: Path,
    database: dict[str, Any] | None = None,
    media_root: Path | None = None,
    keep: int | None = None,
    now: dt.datetime | None = None,
) -> BackupResult:
    """Write a backup folder under `output` (created when missing) of `database` (default: the
    default connection's) and `media_root` (default: MEDIA_ROOT). With `keep`, then remove all
    but the newest `keep` complete backups in `output`. Raises BackupError."""
    database = database or connections["default"].settings_dict
    media_root = Path(media_root or settings.MEDIA_ROOT)
    vendor = _vendor(database)
    if keep is not None and keep < 1:
        raise BackupError(_("--keep must be at least 1, not %(keep)s.") % {"keep": keep})
    now = now or timezone.now()
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    name = f"{FOLDER_PREFIX}{now.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"
    folder = output / name
    partial = output / f".{name}.partial"
    if folder.exists():
        raise BackupError(_("%(folder)s exists already.") % {"folder": folder})
    shutil.rmtree(partial, ignore_errors=True)
    with _owner_only_files():
        partial.mkdir(mode=0o700)
        try:
            # The database first, then the files: a file uploaded meanwhile is an unused extra in
            # the archive, whereas the other order could leave rows naming files never archived.
            dump = _dump(database, partial)
            migrations = _applied_migrations(
                {**database, "NAME": str(dump)} if vendor == SQLITE else database
            )
            media_files = _archive_media(media_root, partial / MEDIA_ARCHIVE)
            manifest = {
                "format": FORMAT_VERSION,
                "created_at": now.isoformat(),
                "database": {"vendor": vendor, "name": Path(database["NAME"]).name},
                "migrations": migrations,
                "media": {"files": media_files},
                "files": {
                    path.name: {"size": path.stat().st_size, "sha256": _sha256(path)}
                    for path in (dump, partial / MEDIA_ARCHIVE)
                },
            }
            (partial / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
            partial.rename(folder)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
    removed = backup_prune(output=output, keep=keep) if keep else []
    return BackupResult(folder=folder, manifest=manifest, removed=removed)


def backup_list(*, output: Path) -> list[Path]:
    """Complete backups in `output` (a manifest present), oldest first (names sort by time)."""
    output = Path(output)
    if not output.is_dir():
        return []
    return sorted(
        path
        for path in output.iterdir()
        if path.is_dir() and path.name.startswith(FOLDER_PREFIX) and (path / MANIFEST).is_file()
    )


def backup_prune(*, output: Path, keep: int) -> list[Path]:
    """Remove all but the newest `keep` complete backups in `output`; returns those removed."""
    backups = backup_list(output=output)
    removed = backups[:-keep] if len(backups) > keep else []
    for path in removed:
        shutil.rmtree(path)
    return removed


# Check -------------------------------------------------------------------------------------


def backup_read_manifest(*, folder: Path) -> dict[str, Any]:
    path = Path(folder) / MANIFEST
    try:
        manifest = json.loads(path.read_text())
    except FileNotFoundError as error:
        raise BackupError(
            _("%(path)s is missing: not a backup folder.") % {"path": path}
        ) from error
    except ValueError as error:
        raise BackupError(
            _("%(path)s is not valid JSON: %(error)s") % {"path": path, "error": error}
        ) from error
    if manifest.get("format") != FORMAT_VERSION or not isinstance(manifest.get("files"), dict):
        raise BackupError(_("%(path)s is not a manifest this version can read.") % {"path": path})
    return manifest


def backup_check(*, folder: Path) -> list[str]:
    """Every problem with the backup in `folder`: a file missing, a size or SHA-256 that is not
    the manifest's, a media archive that does not read to its end. Empty when sound."""
    folder = Path(folder)
    try:
        manifest = backup_read_manifest(folder=folder)
    except BackupError as error:
        return [str(error)]
    problems = []
    expected_files = {
        MEDIA_ARCHIVE,
        SQLITE_COPY if _manifest_vendor(manifest) == SQLITE else POSTGRESQL_DUMP,
    }
    for name in sorted(expected_files - set(manifest["files"])):
        problems.append(_("The manifest lists no %(file)s.") % {"file": name})
    for name, expected in sorted(manifest["files"].items()):
        path = folder / name
        if not path.is_file():
            problems.append(_("%(file)s is missing.") % {"file": name})
            continue
        size = path.stat().st_size
        if size != expected["size"]:
            problems.append(
                _("%(file)s is %(size)s bytes; the manifest says %(expected)s.")
                % {"file": name, "size": size, "expected": expected["size"]}
            )
        elif _sha256(path) != expected["sha256"]:
            problems.append(
                _("%(file)s does not match its SHA-256 in the manifest: it has been altered.")
                % {"file": name}
            )
    if not problems:
        try:  # gzip's own CRC, read through to the end
            with tarfile.open(folder / MEDIA_ARCHIVE, "r:gz") as archive:
                for member in archive:
                    # What extraction would refuse ("..", absolute paths, links out), refused
                    # here: before a restore has touched the database.
                    tarfile.data_filter(member, "/media-root")
        except tarfile.FilterError as error:
            problems.append(
                _("%(file)s holds a file outside the media folder: %(error)s")
                % {"file": MEDIA_ARCHIVE, "error": error}
            )
        except (tarfile.TarError, OSError, EOFError) as error:
            problems.append(
                _("%(file)s does not read: %(error)s") % {"file": MEDIA_ARCHIVE, "error": error}
            )
    return problems


def _manifest_vendor(manifest: dict[str, Any]) -> str:
    vendor = (manifest.get("database") or {}).get("vendor")
    if vendor not in (POSTGRESQL, SQLITE):
        raise BackupError(_("The manifest names no database engine this version restores."))
    return vendor


# Restore -----------------------------------------------------------------------------------


def restore_target(*, vendor: str, target: str) -> dict[str, Any]:
    """The settings of the database to restore into. PostgreSQL: a database name (on the server
    and with the credentials of DATABASE_URL) or a full postgres:// URL. SQLite: a file path."""
    if vendor == SQLITE:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(Path(target).resolve())}
    if "://" in target:
        database = environ.Env.db_url_config(target)
        if _vendor(database) != POSTGRESQL:
            raise BackupError(_("This backup is of PostgreSQL: restore it into a postgres:// URL."))
        return database
    current = connections["default"].settings_dict
    if _vendor(current) != POSTGRESQL:
        raise BackupError(
            _(
                "DATABASE_URL is not PostgreSQL, so a bare database name says nothing about the "
                "server: give --database as postgres://user:password@host:5432/%(name)s."
            )
            % {"name": target}
        )
    return {**current, "NAME": target}


def _pg_prepare(database: dict[str, Any], *, force: bool) -> None:
    """Create the database when it is missing; refuse one holding tables unless `force`."""
    from psycopg import sql

    name = database["NAME"]
    exists = False
    for maintenance in ("postgres", "template1"):
        try:
            with _pg_connect(database, name=maintenance) as conn:
                exists = bool(
                    conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
                )
                if not exists:
                    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                break
        except Exception as error:
            if maintenance == "template1":
                raise BackupError(
                    _("Could not reach the PostgreSQL server to find or create %(name)s: %(error)s")
                    % {"name": name, "error": type(error).__name__}
                ) from error
    if exists and _pg_table_count(database) and not force:
        raise BackupError(
            _(
                "The database %(name)s is not empty. Restore into a new database, or add --force "
                "to replace what it holds."
            )
            % {"name": name}
        )


def _pg_table_count(database: dict[str, Any]) -> int:
    with _pg_connect(database) as conn:
        return conn.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', "
            "'information_schema') AND n.nspname NOT LIKE 'pg_toast%%'"
        ).fetchone()[0]


def _sqlite_table_count(path: Path) -> int:
    if not path.exists():
        return 0
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchone()[0]


def _restore_database(folder: Path, vendor: str, database: dict[str, Any], force: bool) -> int:
    if vendor == SQLITE:
        target = Path(database["NAME"])
        if _sqlite_table_count(target) and not force:
            raise BackupError(
                _(
                    "The database %(name)s is not empty. Restore into a new file, or add --force "
                    "to replace what it holds."
                )
                % {"name": target}
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(folder / SQLITE_COPY, target)  # replaces the whole target database
        return _sqlite_table_count(target)
    pg_restore = _client_binary("pg_restore")
    _pg_prepare(database, force=force)
    command = [pg_restore, "--no-owner", "--no-privileges", "--no-password", "--exit-on-error"]
    # --force: drop what the dump holds before recreating it; one transaction either way, so a
    # failed restore leaves the target as it was.
    command += ["--clean", "--if-exists"] if force else []
    command += [
        "--single-transaction",
        f"--dbname={database['NAME']}",
        str(folder / POSTGRESQL_DUMP),
    ]
    _run(command, environment=_pg_environment(database), program="pg_restore")
    return _pg_table_count(database)


def _refuse_media_target(media_root: Path) -> None:
    if not _folder_is_empty(media_root):
        raise BackupError(
            _(
                "The folder %(folder)s is not empty. Restore the files into a new folder, or add "
                "--force to write over it."
            )
            % {"folder": media_root}
        )


def _restore_media(folder: Path, media_root: Path) -> int:
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / MEDIA_ARCHIVE, "r:gz") as archive:
        members = [member for member in archive.getmembers() if member.isfile()]
        # The "data" filter refuses absolute paths, "..", links out of the folder and devices.
        try:
            archive.extractall(media_root, members=members, filter="data")
        except tarfile.FilterError as error:
            raise BackupError(
                _("%(file)s holds a file outside the media folder: %(error)s")
                % {"file": MEDIA_ARCHIVE, "error": error}
            ) from error
    return len(members)


def _migration_warnings(manifest: dict[str, Any]) -> list[str]:
    """Migrations the backup has that this code lacks (restored by newer code: deploy that
    code), and those this code has that the backup lacks (run migrate after the restore)."""
    from django.db.migrations.loader import MigrationLoader

    on_disk = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    in_backup = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    warnings = []
    if newer := sorted(in_backup - on_disk):
        warnings.append(
            _(
                "The backup has migrations this code does not: %(names)s. Deploy the code it "
                "came from."
            )
            % {"names": ", ".join(f"{app}.{name}" for app, name in newer)}
        )
    if missing := sorted(on_disk - in_backup):
        warnings.append(
            _(
                "This code has %(count)s migrations the backup does not; run migrate on the "
                "restored database before serving it."
            )
            % {"count": len(missing)}
        )
    return warnings


def backup_restore(
    *, folder: Path, database: str, media_root: Path, force: bool = False
) -> RestoreResult:
    """Check the backup in `folder`, restore its database into `database` (see restore_target;
    created when missing; refused when it holds tables, unless `force`) and its files into
    `media_root` (refused when not empty, unless `force`). Raises BackupError."""
    folder = Path(folder)
    if problems := backup_check(folder=folder):
        raise BackupError(
            _("The backup in %(folder)s fails its check: %(problems)s")
            % {"folder": folder, "problems": " ".join(problems)}
        )
    manifest = backup_read_manifest(folder=folder)
    vendor = _manifest_vendor(manifest)
    target = restore_target(vendor=vendor, target=database)
    media_root = Path(media_root)
    if not force:  # before the database is touched
        _refuse_media_target(media_root)
    tables = _restore_database(folder, vendor, target, force)
    media_files = _restore_media(folder, media_root)
    return RestoreResult(
        database=target["NAME"],
        tables=tables,
        media_files=media_files,
        warnings=_migration_warnings(manifest),
    )

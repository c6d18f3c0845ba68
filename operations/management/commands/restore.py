from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from operations.backups import BackupError, backup_check, backup_restore


class Command(BaseCommand):
    help = (
        "Check a backup folder's checksums (--check), or restore it: the database into the one "
        "named by --database and the files into --media-root (docs/operations.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path, help=_("a backup folder written by `backup`"))
        parser.add_argument(
            "--check",
            action="store_true",
            help=_("only verify the files against the manifest's sizes and SHA-256"),
        )
        parser.add_argument(
            "--database",
            help=_(
                "PostgreSQL: a database name on DATABASE_URL's server, or a postgres:// URL "
                "(created when missing); SQLite: a file path"
            ),
        )
        parser.add_argument(
            "--media-root", type=Path, help=_("the folder that receives the uploaded files")
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=_(
                "replace a database that holds tables, and write into a folder that is not empty"
            ),
        )

    def handle(
        self,
        *args,
        folder: Path,
        check: bool,
        database: str | None,
        media_root: Path | None,
        force: bool,
        **options,
    ) -> None:
        if check:
            if problems := backup_check(folder=folder):
                raise CommandError(
                    _("The backup in %(folder)s is damaged:") % {"folder": folder}
                    + "".join(f"\n  - {problem}" for problem in problems)
                )
            self.stdout.write(
                _("The backup in %(folder)s matches its manifest.") % {"folder": folder}
            )
            return
        if not database or not media_root:
            raise CommandError(
                _("Restoring needs --database and --media-root (or --check to verify only).")
            )
        try:
            result = backup_restore(
                folder=folder, database=database, media_root=media_root, force=force
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _(
                "Restored %(tables)s tables into %(database)s and %(files)s files into "
                "%(media_root)s."
            )
            % {
                "tables": result.tables,
                "database": result.database,
                "files": result.media_files,
                "media_root": media_root,
            }
        )
        for warning in result.warnings:
            self.stderr.write(warning)

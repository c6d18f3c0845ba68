from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from operations.backups import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump, or SQLite's backup API) and MEDIA_ROOT into one "
        "timestamped folder with a manifest of checksums (docs/operations.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            default=settings.VAR_DIR / "backups",
            help=_("the folder that receives the backup folder (default: var/backups)"),
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=None,
            help=_("then remove all but the newest N backups in that folder"),
        )

    def handle(self, *args, output: Path, keep: int | None, **options) -> None:
        try:
            result = backup_create(output=output, keep=keep)
        except BackupError as error:
            raise CommandError(str(error)) from error
        sizes = ", ".join(
            f"{name} {entry['size']:,} B"
            for name, entry in sorted(result.manifest["files"].items())
        )
        self.stdout.write(
            _("Backup written to %(folder)s (%(sizes)s; %(files)s media files).")
            % {"folder": result.folder, "sizes": sizes, "files": result.manifest["media"]["files"]}
        )
        for path in result.removed:
            self.stdout.write(_("Removed the older backup %(folder)s.") % {"folder": path})

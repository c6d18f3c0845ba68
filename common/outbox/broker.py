"""The broker as the processes that send and run tasks need it."""

from pathlib import Path

from celery import current_app


def ensure_filesystem_broker_folders() -> None:
    """kombu's filesystem transport does not create its folders; make them before use."""
    options = current_app.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "control_folder", "processed_folder"):
        if folder := options.get(key):
            Path(folder).mkdir(parents=True, exist_ok=True)

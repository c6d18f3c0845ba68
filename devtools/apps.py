from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Developer tooling, installed by the development and test settings only: demo
    data, scale data and the benchmarks."""

    name = "devtools"

"""Which services exist, and their databases and consumer groups, from their own settings.

Each service package names its settings class as an entry point in the group
`trellis.services` (in its pyproject.toml). The tool builds that class as the
service would, from the same TRELLIS_* variables, so it holds no copy of the
names or defaults: a variable that moves a service's database or group moves
the tool's view with it, and a new service shows up by declaring itself.

Convention read from the settings: every field ending in `_database` is a
database the service owns; `<name>_consumer_group` is its consumer group.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import entry_points

from pydantic_settings import BaseSettings

ENTRY_POINT_GROUP = "trellis.services"


@dataclass(frozen=True)
class ServiceConfig:
    name: str
    databases: tuple[str, ...]
    consumer_group: str | None


def service_config(name: str, settings: BaseSettings) -> ServiceConfig:
    fields = type(settings).model_fields
    databases = tuple(str(getattr(settings, f)) for f in fields if f.endswith("_database"))
    group = getattr(settings, f"{name}_consumer_group", None)
    return ServiceConfig(name, databases, str(group) if group else None)


def installed_services() -> list[ServiceConfig]:
    """The services installed beside the tool, by name."""
    services = []
    for point in entry_points(group=ENTRY_POINT_GROUP):
        settings_class = point.load()
        if not (isinstance(settings_class, type) and issubclass(settings_class, BaseSettings)):
            raise TypeError(f"entry point {point.value} ({point.name}) is not a settings class")
        services.append(service_config(point.name, settings_class()))
    return sorted(services, key=lambda s: s.name)

"""trellis-admin's pure parts: tables, ages, and reading a service's settings."""

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from trellis_shared.operations.services import service_config
from trellis_shared.operations.tables import age, table

pytestmark = pytest.mark.unit


def test_columns_line_up_and_numbers_align_right() -> None:
    rendered = table(["name", "lag"], [["postings", 7], ["profiles", 12], ["x", None]])
    assert rendered.splitlines() == [
        "NAME      LAG",
        "postings    7",
        "profiles   12",
        "x           -",
    ]


@pytest.mark.parametrize(
    ("seconds", "shown"), [(0, "0s"), (59, "59s"), (61, "1m01s"), (3 * 3600 + 300, "3h05m")]
)
def test_ages_read_at_a_glance(seconds: int, shown: str) -> None:
    now = datetime(2026, 12, 7, 12, tzinfo=UTC)
    assert age(now - timedelta(seconds=seconds), now) == shown
    assert age(None, now) == "-"


class _WidgetSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TRELLIS_")

    widget_database: str = Field(default="trellis_widget")
    widget_archive_database: str = Field(default="trellis_widget_archive")
    widget_consumer_group: str = Field(default="trellis-widget")
    widget_addr: str = Field(default="0.0.0.0:1")


def test_databases_and_group_come_from_the_settings_and_their_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TRELLIS_WIDGET_CONSUMER_GROUP", "widgets-blue")
    config = service_config("widget", _WidgetSettings())
    assert config.databases == ("trellis_widget", "trellis_widget_archive")
    assert config.consumer_group == "widgets-blue"

"""``--as-of`` text is parsed one way everywhere: ISO 8601, local time without an offset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from qcity.data.asof import parse_as_of
from qcity.framework.model import Framework
from tests.data.conftest import FRAMEWORK

BEIJING = timezone(timedelta(hours=8))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-06-30", datetime(2024, 6, 30, tzinfo=BEIJING)),
        ("2024-06-30T12:00", datetime(2024, 6, 30, 12, tzinfo=BEIJING)),
        ("2024-06-30 12:00:00", datetime(2024, 6, 30, 12, tzinfo=BEIJING)),
        ("2024-06-30T12:00:00.000250", datetime(2024, 6, 30, 12, 0, 0, 250, tzinfo=BEIJING)),
        ("2024-06-30T12:00Z", datetime(2024, 6, 30, 12, tzinfo=UTC)),
        ("2024-06-30t04:00z", datetime(2024, 6, 30, 4, tzinfo=UTC)),
        ("2024-06-30T12:00+08:00", datetime(2024, 6, 30, 12, tzinfo=BEIJING)),
        ("2024-06-30 12:00:00+0800", datetime(2024, 6, 30, 12, tzinfo=BEIJING)),
        ("2024-06-30T07:00-05", datetime(2024, 6, 30, 12, tzinfo=UTC)),
        (" ２０２４－０６－３０ ", datetime(2024, 6, 30, tzinfo=BEIJING)),  # full-width input
    ],
)
def test_accepted_forms(text: str, expected: datetime) -> None:
    got = parse_as_of(text)
    assert got.tzinfo is not None
    assert got == expected  # the same instant


def test_without_offset_is_local_time_not_utc() -> None:
    local = parse_as_of("2025-01-01")
    assert local.astimezone(UTC) == datetime(2024, 12, 31, 16, tzinfo=UTC)  # 8 hours earlier
    assert parse_as_of("2025-01-01", "UTC") == datetime(2025, 1, 1, tzinfo=UTC)
    paris = parse_as_of("2024-07-01T12:00", "Europe/Paris")  # summer time: +02:00
    assert paris.astimezone(UTC) == datetime(2024, 7, 1, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    "text", ["yesterday", "2024-02-30", "20240630", "2024/06/30", "2024-06-30T25:00", ""]
)
def test_other_text_is_refused_with_the_accepted_forms(text: str) -> None:
    with pytest.raises(ValueError, match="2024-06-30T12:00") as info:
        parse_as_of(text)
    assert repr(text) in str(info.value) and "Asia/Shanghai" in str(info.value)


def test_unknown_default_zone() -> None:
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Base'"):
        parse_as_of("2024-06-30", "Mars/Base")


def test_framework_timezone_defaults_to_shanghai_and_is_checked() -> None:
    assert Framework.model_validate(FRAMEWORK).timezone == "Asia/Shanghai"
    assert Framework.model_validate({**FRAMEWORK, "timezone": "UTC"}).timezone == "UTC"
    with pytest.raises(ValidationError, match="unknown time zone 'Beijing'"):
        Framework.model_validate({**FRAMEWORK, "timezone": "Beijing"})

"""How numbers, times and verdicts read in the UI (local time, short units)."""

from __future__ import annotations

from datetime import datetime

from desktop_app.domain import Verdict


def local_time(moment: datetime | None, with_date: bool = True) -> str:
    """A UTC time shown in the user's local time zone."""
    if moment is None:
        return ""
    local = moment.astimezone()
    return local.strftime("%Y-%m-%d %H:%M" if with_date else "%H:%M")


def duration(seconds: int | None) -> str:
    """``45 s``, ``12 min``, ``1 h 05``."""
    if seconds is None:
        return ""
    if seconds < 60:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d}"


def tokens(count: int | None) -> str:
    """``950``, ``45k``, ``1.2M``."""
    if count is None:
        return ""
    if count < 1000:
        return str(count)
    if count < 1_000_000:
        return f"{count / 1000:.0f}k" if count >= 10_000 else f"{count / 1000:.1f}k"
    return f"{count / 1_000_000:.1f}M"


def minutes(value: int | None) -> str:
    """Minutes saved with a sign: ``+15``, ``-10``, ``0``."""
    if value is None:
        return ""
    return f"{value:+d}" if value else "0"


def verdict(value: Verdict) -> str:
    """``Useful``, ``Not useful`` or nothing."""
    return {Verdict.USEFUL: "Useful", Verdict.NOT_USEFUL: "Not useful"}.get(value, "")

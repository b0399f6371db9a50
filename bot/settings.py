"""Settings read from the environment (and a `.env` file in the working directory)."""

import secrets
from datetime import time
from functools import cached_property
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, PrivateAttr, field_validator, model_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, SettingsConfigDict

from db.rules.business_days import read_year_end

# Values that stand in for a secret: the usual ones, and those .env.example shows.
_PLACEHOLDERS = {"changethis", "changeme", "xxx", "your-secret", "your-token", "a-long-random-string"}
_SECRETS = ("line_channel_secret", "line_channel_access_token", "renkei_api_token")


def is_placeholder(value: str | None) -> bool:
    return bool(value) and value.strip().lower() in _PLACEHOLDERS


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # Outside development (unset counts as production) a placeholder secret is refused: a copied
    # .env.example must not go live. Only an explicit production forbids local mode.
    renkei_environment: Literal["development", "production"] | None = None
    line_channel_secret: str | None = None
    line_channel_access_token: str | None = None
    line_api_base_url: str | None = None
    database_url: str = "sqlite:///renkei.db"
    public_base_url: str | None = None
    renkei_timezone: str = "Asia/Tokyo"
    quiet_hours_start: time = time(22, 0)
    quiet_hours_end: time = time(7, 0)
    event_workers: int = Field(default=2, ge=1, le=64)
    # On PostgreSQL, `renkei serve` runs this many background processes, each handling a share of the users.
    worker_processes: int = Field(default=2, ge=1, le=32)
    # A dialog left alone this long is forgotten; the next message starts afresh.
    dialog_ttl_minutes: int = Field(default=60 * 24, ge=1)
    # Contact checks: members who have not answered are asked again this often, this many times.
    check_reask_minutes: int = Field(default=30, ge=1)
    check_max_reasks: int = Field(default=3, ge=0, le=10)
    # KPI prompts: unanswered this many days -> a reminder, then the deputies, then the secretariat.
    kpi_escalate_days: int = Field(default=3, ge=1, le=30)
    # An answer this many days after the prompt is confirmed before it is stored.
    kpi_late_days: int = Field(default=14, ge=1)
    # Days most offices are closed at the year end (no KPI prompt or digest goes out): "12/29-1/3", or "none".
    renkei_year_end_holidays: str = "12/29-1/3"
    # How often LINE's message quota is read (and, once the monthly limit was met, whether it allows
    # pushes again).
    line_quota_probe_seconds: float = Field(default=120.0, ge=1)
    # The bot's basic ID (@123abcde, LINE Official Account Manager), for the console's add-friend QR codes.
    line_bot_basic_id: str | None = None
    # Create the rich menus on LINE at start-up (if absent) and link each user's; off leaves the
    # channel's menus as they are (an operator who manages them by hand).
    line_rich_menus: bool = True
    # The bearer token for POST /api/contact-checks; unset, the endpoint does not exist.
    renkei_api_token: str | None = None
    # Set by local_run(): this process plays LINE itself (the simulator), with credentials of its own.
    _local_run: bool = PrivateAttr(default=False)

    @field_validator("renkei_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("renkei_year_end_holidays")
    @classmethod
    def _year_end_days(cls, value: str) -> str:
        try:
            read_year_end(value)
        except ValueError as exc:
            raise ValueError(f"RENKEI_YEAR_END_HOLIDAYS must look like 12/29-1/3 (or none), not {value!r}") from exc
        return value

    @cached_property
    def year_end(self) -> tuple[tuple[int, int], tuple[int, int]] | None:
        return read_year_end(self.renkei_year_end_holidays)

    @field_validator("line_api_base_url", "public_base_url")
    @classmethod
    def _strip_slash(cls, value: str | None) -> str | None:
        return value.rstrip("/") if value else value

    @model_validator(mode="after")
    def _no_placeholder_secrets(self) -> "Settings":
        if self.is_development:
            return self
        for name in _SECRETS:
            if is_placeholder(getattr(self, name)):
                raise PydanticCustomError(
                    "placeholder_secret",
                    "{name} is a placeholder, not a secret: set a real one "
                    "(or RENKEI_ENVIRONMENT=development to try Renkei out)",
                    {"name": name.upper()})
        return self

    @field_validator("line_bot_basic_id")
    @classmethod
    def _basic_id(cls, value: str | None) -> str | None:
        value = (value or "").strip()
        if not value:
            return None
        value = value if value.startswith("@") else f"@{value}"
        if not value[1:].isascii() or not value[1:].replace("_", "").replace(".", "").replace("-", "").isalnum():
            raise ValueError(f"LINE_BOT_BASIC_ID must look like @123abcde, not {value!r}")
        return value

    @property
    def add_friend_url(self) -> str | None:
        """The link that opens the bot in LINE to add it as a friend, when its basic ID is known."""
        return f"https://line.me/R/ti/p/%40{self.line_bot_basic_id[1:]}" if self.line_bot_basic_id else None

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.renkei_timezone)

    def missing_line_credentials(self) -> list[str]:
        """Names of the LINE variables that are unset or still a placeholder."""
        missing = []
        for name, value in (
            ("LINE_CHANNEL_SECRET", self.line_channel_secret),
            ("LINE_CHANNEL_ACCESS_TOKEN", self.line_channel_access_token),
        ):
            if not value or is_placeholder(value):
                missing.append(name)
        return missing

    @property
    def is_development(self) -> bool:
        return self.renkei_environment == "development"

    @property
    def local_mode(self) -> bool:
        """No LINE channel and no explicit production: Renkei plays LINE itself, in the simulator."""
        if self._local_run:
            return True
        return self.renkei_environment != "production" and bool(self.missing_line_credentials())

    def local_run(self, *, line_api_base_url: str, public_base_url: str) -> "Settings":
        """These settings for a local-mode run: a channel secret and access token of its own, LINE
        played by the fake platform at `line_api_base_url`."""
        if not self.local_mode:
            raise ValueError("local mode is only for a run without LINE credentials outside production")
        local = self.model_copy(update={
            "line_channel_secret": secrets.token_hex(16), "line_channel_access_token": secrets.token_urlsafe(32),
            "line_api_base_url": line_api_base_url.rstrip("/"),
            "public_base_url": self.public_base_url or public_base_url.rstrip("/")})
        local._local_run = True
        return local

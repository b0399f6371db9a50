"""Settings: placeholder secrets are refused outside development; local mode only without a LINE channel
and outside an explicit production."""

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.settings import Settings

ENV_EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"
SECRETS = ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN", "RENKEI_API_TOKEN")


@pytest.fixture(autouse=True)
def no_environment(monkeypatch):
    """Only what a test gives counts, not the developer's environment."""
    for name in ("RENKEI_ENVIRONMENT", *SECRETS):
        monkeypatch.delenv(name, raising=False)


def settings(**values) -> Settings:
    return Settings(_env_file=None, **{name.lower(): value for name, value in values.items()})


def example_secrets() -> dict[str, str]:
    """The secrets .env.example shows a value for (commented out or not)."""
    found = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^#?\s*([A-Z_]+)=(\S+)", line)
        if match and match.group(1) in SECRETS:
            found[match.group(1)] = match.group(2)
    return found


def test_the_environment_is_unset_by_default_and_counts_as_production_for_secrets():
    assert settings().renkei_environment is None
    with pytest.raises(ValidationError, match="is a placeholder"):
        settings(LINE_CHANNEL_SECRET="changeme")


def test_local_mode_is_a_run_without_a_line_channel_outside_an_explicit_production():
    assert settings().local_mode
    assert settings(RENKEI_ENVIRONMENT="development", LINE_CHANNEL_SECRET="changeme").local_mode
    assert settings(LINE_CHANNEL_SECRET="8f3c2a9d41b7e6f0").local_mode  # the token is still missing
    assert not settings(RENKEI_ENVIRONMENT="production").local_mode
    assert not settings(LINE_CHANNEL_SECRET="8f3c2a9d41b7e6f0", LINE_CHANNEL_ACCESS_TOKEN="tok").local_mode


def test_a_local_run_has_credentials_of_its_own_and_stays_local():
    base = settings()
    one = base.local_run(line_api_base_url="http://127.0.0.1:9999/", public_base_url="http://127.0.0.1:8000")
    two = base.local_run(line_api_base_url="http://127.0.0.1:9999", public_base_url="http://127.0.0.1:8000")
    assert one.missing_line_credentials() == [] and one.local_mode
    assert one.line_channel_secret != two.line_channel_secret
    assert one.line_api_base_url == "http://127.0.0.1:9999" and one.public_base_url == "http://127.0.0.1:8000"
    assert base.line_channel_secret is None  # the settings read from the environment are left as they were
    with pytest.raises(ValueError, match="local mode"):
        settings(RENKEI_ENVIRONMENT="production").local_run(line_api_base_url="http://x", public_base_url="http://y")


@pytest.mark.parametrize("name", SECRETS)
@pytest.mark.parametrize("value", ["changeme", "changethis", " ChangeMe "])
def test_a_placeholder_secret_is_refused_outside_development_naming_the_variable(name, value):
    with pytest.raises(ValidationError) as refused:
        settings(**{name: value})
    [error] = refused.value.errors()
    assert error["msg"].startswith(f"{name} is a placeholder") and "\n" not in error["msg"]
    assert settings(RENKEI_ENVIRONMENT="development", **{name: value}).renkei_environment == "development"


def test_the_values_in_env_example_are_refused_outside_development():
    shown = example_secrets()
    assert "RENKEI_API_TOKEN" in shown  # the example's stand-in for a token
    for name, value in shown.items():
        with pytest.raises(ValidationError, match=f"{name} is a placeholder"):
            settings(**{name: value})
        settings(RENKEI_ENVIRONMENT="development", **{name: value})


def test_real_and_unset_secrets_are_accepted_in_production():
    assert settings().renkei_api_token is None
    real = settings(LINE_CHANNEL_SECRET="8f3c2a9d41b7e6f0", LINE_CHANNEL_ACCESS_TOKEN="dev", RENKEI_API_TOKEN="x" * 40)
    assert real.renkei_api_token == "x" * 40


def test_the_environment_is_read_from_the_environment_and_checked(monkeypatch):
    monkeypatch.setenv("RENKEI_ENVIRONMENT", "development")
    assert Settings(_env_file=None, renkei_api_token="changeme").renkei_environment == "development"
    with pytest.raises(ValidationError, match="development"):
        settings(RENKEI_ENVIRONMENT="staging")


def test_a_command_with_a_placeholder_secret_stops_with_one_line(renkei):
    result = renkei("org", "list", RENKEI_API_TOKEN="a-long-random-string")
    assert result.exit_code == 1
    assert result.output.strip() == ("Error: RENKEI_API_TOKEN is a placeholder, not a secret: set a real one "
                                     "(or RENKEI_ENVIRONMENT=development to try Renkei out)")
    assert renkei("org", "list", RENKEI_API_TOKEN="a-long-random-string", RENKEI_ENVIRONMENT="development").exit_code == 0


def test_the_year_end_holidays_are_read_and_checked():
    assert settings(RENKEI_ENVIRONMENT="development").year_end == ((12, 29), (1, 3))
    assert settings(RENKEI_ENVIRONMENT="development", RENKEI_YEAR_END_HOLIDAYS="12/28〜1/4").year_end == ((12, 28), (1, 4))
    assert settings(RENKEI_ENVIRONMENT="development", RENKEI_YEAR_END_HOLIDAYS="none").year_end is None
    with pytest.raises(ValidationError, match="RENKEI_YEAR_END_HOLIDAYS must look like 12/29-1/3"):
        settings(RENKEI_ENVIRONMENT="development", RENKEI_YEAR_END_HOLIDAYS="年末年始")

"""The operator commands, run as an operator would, against the test database."""

import json

import pytest
from typer.testing import CliRunner

from bot.cli import app

runner = CliRunner()


@pytest.fixture
def renkei(database_url, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # away from any developer's .env

    def run(*args: str, **env: str):
        environment = {"DATABASE_URL": database_url, "LINE_CHANNEL_SECRET": "", "LINE_CHANNEL_ACCESS_TOKEN": ""}
        environment.update(env)
        return runner.invoke(app, list(args), env=environment)

    return run


def test_org_invite_and_member_list(renkei):
    added = renkei("org", "add", "NPO法人 みどりの会", "--type", "npo")
    assert added.exit_code == 0, added.output
    org_id = added.output.strip().splitlines()[-1]
    assert org_id.isdigit()
    invite = renkei("invite", "create", "--org", org_id, "--staff", "--uses", "3", "--expires", "7")
    assert invite.exit_code == 0, invite.output
    code = invite.output.strip().splitlines()[-1]
    assert len(code) == 8 and code.isalnum() and code.isupper()
    assert "staff invite" in invite.output and "3 use(s)" in invite.output
    listed = renkei("member", "list", "--json")
    assert listed.exit_code == 0 and json.loads(listed.output) == []
    assert "No members yet." in renkei("member", "list").output


def test_bad_input_fails_with_a_clear_message(renkei):
    wrong_type = renkei("org", "add", "商店会", "--type", "shop")
    assert wrong_type.exit_code != 0 and "municipality" in wrong_type.output
    assert renkei("org", "add", "商店会", "--type", "association").exit_code == 0
    duplicate = renkei("org", "add", "商店会", "--type", "association")
    assert duplicate.exit_code == 1 and "already exists" in duplicate.output
    missing = renkei("invite", "create", "--org", "999")
    assert missing.exit_code == 1 and "no organization with id 999" in missing.output
    zero_uses = renkei("invite", "create", "--org", "1", "--uses", "0")
    assert zero_uses.exit_code != 0


def test_serve_without_credentials_names_the_missing_variable(renkei):
    result = renkei("serve")
    assert result.exit_code == 1
    assert result.output.strip() == "Error: LINE_CHANNEL_SECRET is not set (see README: connecting a LINE channel)"
    result = renkei("serve", LINE_CHANNEL_SECRET="s3cret")
    assert "LINE_CHANNEL_ACCESS_TOKEN is not set" in result.output

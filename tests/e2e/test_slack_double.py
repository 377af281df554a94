"""The Slack double answers the Web API calls of the slack provider as Slack does.

Requests are sent the way slack-go v0.12.2 sends them (conversation.go, auth.go: POST
/api/<method>, form-encoded, the token as the `token` field), in the order
pablovarela/terraform-provider-slack v1.2.2 slack/resource_conversation.go makes them.
"""

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest

from e2e.doubles.slack import BOT_USER_ID, SlackDouble

TOKEN = "xoxb-e2e-double-test-token"


@pytest.fixture
def slack() -> Iterator[SlackDouble]:
    with SlackDouble() as double:
        yield double


def api(double: SlackDouble, method: str, token: str | None = TOKEN, **form: str) -> dict[str, Any]:
    fields = dict(form)
    if token is not None:
        fields["token"] = token
    request = urllib.request.Request(
        f"{double.url}/api/{method}",
        data=urlencode(fields).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        answer: dict[str, Any] = json.load(response)
        return answer


def create_flow(double: SlackDouble, name: str, topic: str) -> str:
    """resourceSlackConversationCreate with adopt_existing_channel and a topic."""
    created = api(double, "conversations.create", name=name, is_private="false")
    if not created["ok"]:
        assert created["error"] == "name_taken"
        cursor = ""
        found = None
        for _ in range(100):  # findExistingChannel: every page until the name or the end
            page = api(
                double, "conversations.list", cursor=cursor, limit="1", exclude_archived="true"
            )
            found = next((c for c in page["channels"] if c["name"] == name), None)
            cursor = page["response_metadata"]["next_cursor"]
            if found or not cursor:
                break
        assert found is not None, f"could not find channel with name {name}"
        channel = found
    else:
        channel = created["channel"]
    channel_id: str = channel["id"]
    info = api(
        double,
        "conversations.info",
        channel=channel_id,
        include_locale="false",
        include_num_members="false",
    )
    assert info["ok"]
    assert api(double, "auth.test")["user_id"] == BOT_USER_ID
    assert api(double, "conversations.members", channel=channel_id)["ok"]
    joined = api(double, "conversations.join", channel=channel_id)
    assert joined["ok"]
    assert api(double, "conversations.setTopic", channel=channel_id, topic=topic)["ok"]
    return channel_id


def test_create_then_read_back(slack: SlackDouble) -> None:
    channel_id = create_flow(slack, "alerts-example", "PagerDuty incidents")
    channel = api(slack, "conversations.info", channel=channel_id)["channel"]
    assert channel["name"] == "alerts-example"
    assert channel["topic"]["value"] == "PagerDuty incidents"
    assert channel["creator"] == BOT_USER_ID
    assert channel["is_private"] is False
    assert channel["is_archived"] is False
    assert api(slack, "conversations.members", channel=channel_id)["members"] == [BOT_USER_ID]


def test_existing_channel_is_refused_then_adopted_through_the_pages(slack: SlackDouble) -> None:
    for n in range(3):
        slack.seed_channel(f"other-{n}")
    seeded = slack.seed_channel("alerts-example", topic="keep me")
    assert create_flow(slack, "alerts-example", "new topic") == seeded
    assert slack.channels[seeded]["topic"]["value"] == "new topic"
    assert BOT_USER_ID in slack.channels[seeded]["members"]  # joined before setting the topic
    pages = [r for r in slack.requests if r["api_method"] == "conversations.list"]
    assert len(pages) == 4  # one channel a page, the seeded one fourth


def test_archived_channel_name_stays_taken_and_is_not_listed(slack: SlackDouble) -> None:
    slack.seed_channel("alerts-example", archived=True)
    assert api(slack, "conversations.create", name="alerts-example")["error"] == "name_taken"
    listed = api(slack, "conversations.list", exclude_archived="true")["channels"]
    assert listed == []
    assert len(api(slack, "conversations.list")["channels"]) == 1


def test_bad_names_are_refused_as_slack_does(slack: SlackDouble) -> None:
    assert api(slack, "conversations.create", name="")["error"] == "invalid_name_required"
    assert api(slack, "conversations.create", name="Alerts")["error"] == "invalid_name_specials"
    assert api(slack, "conversations.create", name="a" * 81)["error"] == "invalid_name_maxlength"
    assert slack.channels == {}


def test_rename_purpose_archive_and_unarchive(slack: SlackDouble) -> None:
    channel_id = create_flow(slack, "alerts-example", "t")
    taken = slack.seed_channel("taken")
    assert taken
    assert api(slack, "conversations.rename", channel=channel_id, name="taken")["error"] == (
        "name_taken"
    )
    assert api(slack, "conversations.rename", channel=channel_id, name="alerts-new")["ok"]
    assert api(slack, "conversations.setPurpose", channel=channel_id, purpose="why")["ok"]
    assert slack.channels[channel_id]["purpose"]["value"] == "why"
    assert api(slack, "conversations.archive", channel=channel_id)["ok"]
    # The provider tolerates these two (archiveConversationWithContext, the unarchive calls).
    assert api(slack, "conversations.archive", channel=channel_id)["error"] == "already_archived"
    assert api(slack, "conversations.setTopic", channel=channel_id, topic="x")["error"] == (
        "is_archived"
    )
    assert api(slack, "conversations.unarchive", channel=channel_id)["ok"]
    assert api(slack, "conversations.unarchive", channel=channel_id)["error"] == "not_archived"


def test_invite_and_kick(slack: SlackDouble) -> None:
    slack.seed_user("U0000JANE0", "Jane@Example.com", "jane")
    channel_id = create_flow(slack, "alerts-example", "t")
    assert api(slack, "conversations.invite", channel=channel_id, users="U0000JANE0")["ok"]
    assert api(slack, "conversations.invite", channel=channel_id, users="U0000JANE0")["error"] == (
        "already_in_channel"
    )
    assert api(slack, "conversations.invite", channel=channel_id, users="U404")["error"] == (
        "user_not_found"
    )
    assert api(slack, "conversations.kick", channel=channel_id, user="U0000JANE0")["ok"]
    assert api(slack, "conversations.kick", channel=channel_id, user="U0000JANE0")["error"] == (
        "not_in_channel"
    )
    found = api(slack, "users.lookupByEmail", email="jane@example.com")
    assert found["user"]["id"] == "U0000JANE0"
    assert api(slack, "users.lookupByEmail", email="nobody@example.com")["error"] == (
        "users_not_found"
    )


def test_unknown_channel_is_channel_not_found(slack: SlackDouble) -> None:
    # The provider's Read drops a conversation from state on exactly this error.
    assert api(slack, "conversations.info", channel="C404")["error"] == "channel_not_found"


def test_private_channel_the_bot_is_not_in_is_invisible(slack: SlackDouble) -> None:
    hidden = slack.seed_channel("secret", private=True)
    assert api(slack, "conversations.info", channel=hidden)["error"] == "channel_not_found"
    assert api(slack, "conversations.list", types="private_channel")["channels"] == []
    assert hidden.startswith("G")


def test_cursor_pagination_covers_every_channel_once(slack: SlackDouble) -> None:
    names = [f"c-{n:02d}" for n in range(7)]
    for name in names:
        slack.seed_channel(name)
    seen: list[str] = []
    cursor = ""
    for _ in range(10):
        page = api(slack, "conversations.list", limit="3", cursor=cursor)
        seen += [c["name"] for c in page["channels"]]
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert seen == names
    assert api(slack, "conversations.list", cursor="bogus")["error"] == "invalid_cursor"


def test_token_is_required_and_never_recorded(slack: SlackDouble) -> None:
    assert api(slack, "auth.test", token=None)["error"] == "not_authed"
    assert api(slack, "auth.test")["ok"]
    assert [r["token"] for r in slack.requests] == [False, True]
    assert TOKEN not in json.dumps(slack.requests)
    assert TOKEN not in json.dumps(slack.state())


def test_bearer_header_counts_as_the_token(slack: SlackDouble) -> None:
    request = urllib.request.Request(
        f"{slack.url}/api/auth.test", data=b"", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.load(response)["ok"] is True


def test_unknown_method_is_501_naming_it(slack: SlackDouble) -> None:
    with pytest.raises(urllib.error.HTTPError) as raised:
        api(slack, "usergroups.create", name="oncall")
    assert raised.value.code == 501
    body = json.load(raised.value)
    assert body["operation"] == "usergroups.create"
    [entry] = slack.unimplemented
    assert entry["api_method"] == "usergroups.create"
    assert entry["path"] == "/api/usergroups.create"


def test_state_is_deterministic() -> None:
    def run() -> dict[str, Any]:
        with SlackDouble() as double:
            create_flow(double, "alerts-example", "t")
            return double.state()

    assert run() == run()

"""SlackExtension under the recording mocks: the channel, one connection per service, outputs."""

import re
from collections.abc import Iterator
from typing import Any

import pulumi
import pytest

from components.slack.component import SlackExtension, SlackExtensionArgs
from oncall.offline.engine import run_program
from oncall.offline.markers import COMPUTED, Secret
from oncall.offline.recorded import Registration, Run
from oncall.offline.schemacheck import check_run
from oncall.offline.schemas import SchemaSet
from tests.support import T, assert_children, children, key, only, problem_lines, run_component

NAME = "slack"
COMPONENT = key(T.SLACK_EXTENSION, NAME)
OUTPUTS = ("channelId", "connectionIds")
FOUR_EVENTS = [
    "incident.triggered",
    "incident.acknowledged",
    "incident.resolved",
    "incident.reassigned",
]


def slack_args(**overrides: Any) -> SlackExtensionArgs:
    """The design's example: a channel by name, the guide's events, one service."""
    args: dict[str, Any] = {
        "workspaceId": "T0123ABCD",
        "channel": {"name": "example-alerts"},
        "services": {"live": "PSVC1"},
        "events": list(FOUR_EVENTS),
    }
    args.update(overrides)
    return args  # type: ignore[return-value]


def run(args: SlackExtensionArgs, *, preview: bool = False) -> Run:
    return run_component(lambda: SlackExtension(NAME, args), OUTPUTS, preview=preview)


# --- assertion vocabulary ------------------------------------------------------------------------


def connection(result: Run, slug: str) -> Registration:
    return result.get(T.SLACK_CONNECTION, f"{NAME}-{slug}")


# --- children ------------------------------------------------------------------------------------


def test_channel_by_name_gets_a_conversation_and_one_connection() -> None:
    assert_children(
        run(slack_args()),
        COMPONENT,
        [(T.CONVERSATION, "slack-channel"), (T.SLACK_CONNECTION, "slack-live")],
    )


def test_one_connection_per_service_named_after_its_slug() -> None:
    result = run(slack_args(services={"live": "PSVC1", "test": "PSVC2", "api": "PSVC3"}))
    assert_children(
        result,
        COMPONENT,
        [
            (T.CONVERSATION, "slack-channel"),
            (T.SLACK_CONNECTION, "slack-live"),
            (T.SLACK_CONNECTION, "slack-test"),
            (T.SLACK_CONNECTION, "slack-api"),
        ],
    )
    assert {
        slug: connection(result, slug).inputs["sourceId"] for slug in ("live", "test", "api")
    } == {
        "live": "PSVC1",
        "test": "PSVC2",
        "api": "PSVC3",
    }


def test_channel_id_skips_the_conversation() -> None:
    result = run(slack_args(channel={"id": "C0123ABCD"}))
    assert_children(result, COMPONENT, [(T.SLACK_CONNECTION, "slack-live")])
    assert connection(result, "live").inputs["channelId"] == "C0123ABCD"
    assert result.outputs["channelId"] == "C0123ABCD"


def test_every_child_is_parented_by_the_component() -> None:
    result = run(slack_args(services={"live": "PSVC1", "test": "PSVC2"}))
    component = only(result, T.SLACK_EXTENSION)
    others = [r for r in result.resources if r is not component]
    assert len(others) == 3
    assert [r.key for r in others if r.parent != COMPONENT] == []


def test_legacy_slack_extension_is_never_used() -> None:
    assert result_types(run(slack_args())).isdisjoint({T.EXTENSION})


def result_types(result: Run) -> set[str]:
    return {r.type for r in result.resources}


# --- the channel ---------------------------------------------------------------------------------


def test_adopted_channel_is_never_archived_nor_emptied() -> None:
    inputs = only(run(slack_args()), T.CONVERSATION).inputs
    assert inputs == {
        "name": "example-alerts",
        "isPrivate": False,
        "adoptExistingChannel": True,
        "actionOnDestroy": "none",
        "actionOnUpdatePermanentMembers": "none",
    }


def test_created_channel_is_not_archived_on_destroy_either() -> None:
    channel = {"name": "example-alerts", "adoptExisting": False, "private": True, "topic": "Pages"}
    inputs = only(run(slack_args(channel=channel)), T.CONVERSATION).inputs
    assert inputs["adoptExistingChannel"] is False
    assert inputs["actionOnDestroy"] == "none"
    assert inputs["actionOnUpdatePermanentMembers"] == "none"
    assert inputs["isPrivate"] is True
    assert inputs["topic"] == "Pages"


def test_adopted_channel_without_topic_keeps_its_topic_and_purpose() -> None:
    # pablovarela/terraform-provider-slack v1.2.2, resource_conversation.go
    # reads the live topic and purpose and sets them on update when they differ from the inputs.
    conversation = only(run(slack_args()), T.CONVERSATION)
    assert "topic" not in conversation.inputs
    assert conversation.ignore_changes == ("topic", "purpose")


def test_a_given_topic_is_managed_and_the_purpose_still_left_alone() -> None:
    channel = {"name": "example-alerts", "topic": "Pages for www.example.com"}
    conversation = only(run(slack_args(channel=channel)), T.CONVERSATION)
    assert conversation.inputs["topic"] == "Pages for www.example.com"
    assert conversation.ignore_changes == ("purpose",)


def test_channel_id_output_is_read_back_so_a_secret_channel_id_stays_secret() -> None:
    def secret_inputs(
        args: pulumi.ResourceTransformationArgs,
    ) -> pulumi.ResourceTransformationResult:
        props = {k: v if v is None else pulumi.Output.secret(v) for k, v in args.props.items()}
        return pulumi.ResourceTransformationResult(props, args.opts)

    def program() -> None:
        extension = SlackExtension(
            NAME,
            slack_args(channel={"id": "C0123ABCD"}),
            pulumi.ResourceOptions(transformations=[secret_inputs]),
        )
        pulumi.export("channelId", extension.channelId)

    assert run_program(program).outputs["channelId"] == Secret("C0123ABCD")


def test_connections_post_to_the_managed_channel() -> None:
    result = run(slack_args())
    assert connection(result, "live").inputs["channelId"] == "slack-channel-id"
    assert result.outputs["channelId"] == "slack-channel-id"


# --- the connections -----------------------------------------------------------------------------


def test_connection_links_the_service_to_the_workspace_as_responder() -> None:
    inputs = connection(run(slack_args()), "live").inputs
    assert inputs["sourceId"] == "PSVC1"
    assert inputs["sourceType"] == "service_reference"
    assert inputs["workspaceId"] == "T0123ABCD"
    assert inputs["notificationType"] == "responder"


def test_connection_posts_the_four_events_for_any_priority_and_urgency() -> None:
    configs = connection(run(slack_args()), "live").inputs["configs"]
    assert configs == [{"events": FOUR_EVENTS, "priorities": ["*"]}]


def test_stakeholder_notifications_and_urgency_filter() -> None:
    inputs = connection(
        run(slack_args(notificationType="stakeholder", urgency="high", priorities=["PPRI1"])),
        "live",
    ).inputs
    assert inputs["notificationType"] == "stakeholder"
    assert inputs["configs"] == [
        {"events": FOUR_EVENTS, "priorities": ["PPRI1"], "urgency": "high"}
    ]


def test_an_empty_priority_list_posts_incidents_without_a_priority() -> None:
    """pagerduty_slack_connection: `priorities` empty means incidents with no priority only; the
    stack config accepts [] as well, so the component passes it through."""
    inputs = connection(run(slack_args(priorities=[])), "live").inputs
    assert inputs["configs"] == [{"events": FOUR_EVENTS, "priorities": []}]


def test_connection_ids_are_keyed_by_slug() -> None:
    result = run(slack_args(services={"live": "PSVC1", "test": "PSVC2"}))
    assert result.outputs["connectionIds"] == {"live": "slack-live-id", "test": "slack-test-id"}


def test_service_ids_may_be_outputs() -> None:
    def program() -> None:
        service_id = pulumi.Output.from_input("PSVC7")
        extension = SlackExtension(NAME, slack_args(services={"live": service_id}))
        pulumi.export("connectionIds", extension.connectionIds)

    result = run_program(program, preview=False)
    assert connection(result, "live").inputs["sourceId"] == "PSVC7"


def test_preview_leaves_the_channel_id_unknown() -> None:
    result = run(slack_args(), preview=True)
    assert connection(result, "live").inputs["channelId"] == COMPUTED


def test_none_is_taken_as_absent() -> None:
    channel = {"name": "example-alerts", "topic": None, "private": None}
    args = slack_args(urgency=None, priorities=None, notificationType=None, channel=channel)
    inputs = connection(run(args), "live").inputs
    assert inputs["configs"] == [{"events": FOUR_EVENTS, "priorities": ["*"]}]
    assert inputs["notificationType"] == "responder"


# --- validation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"events": ["incident.acknowledged", "incident.resolved"]},
            r"^events: must include 'incident\.triggered'",
        ),
        ({"events": []}, r"^events: "),
        (
            {"events": ["triggered"]},
            r"^events\[0\]: 'triggered' .* did you mean 'incident\.triggered'\?",
        ),
        (
            {"events": ["incident.triggered", "incident.triggered"]},
            r"^events\[1\]: duplicate of ",
        ),
        ({"workspaceId": "example"}, r"^workspaceId: "),
        ({"services": {}}, r"^services: "),
        ({"services": {"Live Site": "PSVC1"}}, r"^services: key 'Live Site' must be a slug"),
        ({"services": {"live": ""}}, r"^services\.live: "),
        (
            {"notificationType": "everyone"},
            r"^notificationType: expected one of responder, st",
        ),
        ({"urgency": "medium"}, r"^urgency: expected one of high, low"),
        ({"channel": {}}, r"^channel: an id \(preferred\) or a name is required"),
        (
            {"channel": {"id": "C0123ABCD", "name": "x"}},
            r"^channel: give either id or name, not both",
        ),
        ({"channel": {"id": "example-alerts"}}, r"^channel\.id: "),
        (
            {"channel": {"name": "#example-alerts"}},
            r"^channel\.name: expected a Slack channel name .*\(got '#example-alerts'\)",
        ),
        ({"channel": {"name": "Example"}}, r"^channel\.name: "),
        ({"channel": {"name": "ok", "private": "yes"}}, r"^channel\.private: "),
    ],
)
def test_bad_input_raises_naming_the_field(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match="problem") as raised:
        run(slack_args(**overrides))
    lines = problem_lines(raised.value)
    assert any(re.search(message, line) for line in lines), lines


def test_missing_triggered_event_raises_before_any_child_is_registered() -> None:
    errors: list[str] = []

    def program() -> None:
        try:
            SlackExtension(NAME, slack_args(events=["incident.resolved"]))
        except ValueError as error:
            errors.extend(problem_lines(error))

    result = run_program(program, preview=False)
    assert errors == ["events: must include 'incident.triggered' (PagerDuty requires it)"]
    assert children(result, COMPONENT) == []


# --- schemas -------------------------------------------------------------------------------------


def every_run() -> Iterator[Run]:
    channel = {"name": "example-alerts", "adoptExisting": False, "private": True, "topic": "Pages"}
    for preview in (False, True):
        yield run(slack_args(), preview=preview)
        yield run(slack_args(channel={"id": "C0123ABCD"}, urgency="low"), preview=preview)
        yield run(slack_args(channel=channel, notificationType="stakeholder"), preview=preview)


def test_every_registration_conforms_to_the_provider_schemas(schemas: SchemaSet) -> None:
    violations = [v for result in every_run() for v in check_run(result, schemas)]
    assert violations == []

import copy

import pytest

from bot.catalog import CATALOG, ExtractError
from bot.classify import Classifier
from bot.events import CloudTrailRecord, parse_body
from bot.managed import ManagedIndex
from tests.conftest import CORPUS, corpus_record

# Corpus file -> the resources its record creates, as (Terraform type, exact import ID).
CORPUS_IDS = {
    "iam__CreatePolicy__1.json": [("aws_iam_policy", "arn:aws:iam::000000000000:policy/service-role/your_policy_name")],
    "iam__CreatePolicy__2.json": [("aws_iam_policy", "arn:aws:iam::00000000000:policy/PwncloudSNSPublishPolicy")],
    "iam__CreateRole__1.json": [("aws_iam_role", "your_role_name")],
    "iam__CreateRole__2.json": [("aws_iam_role", "stratus-red-team-malicious-iam-role")],
    "iam__CreateRole__3.json": [("aws_iam_role", "rds-monitoring-role")],
    "iam__CreateRole__4.json": [("aws_iam_role", "new-role")],
    "iam__CreateUser__1.json": [("aws_iam_user", "test_user")],
    "iam__CreateUser__2.json": [("aws_iam_user", "test-user")],
    "iam__CreateUser__3.json": [("aws_iam_user", "malicious-iam-user")],
    "iam__CreateUser__4.json": [("aws_iam_user", "user")],
}


def _envelope(name):
    return parse_body((CORPUS / name).read_bytes(), name, 1 << 20)


def resolve(tf_type, raw):
    [found] = CATALOG[tf_type].resolve(CloudTrailRecord(raw, "t"))
    return found


def test_role_arn_keeps_its_path_and_console_url_is_global():
    found = resolve("aws_iam_role", corpus_record("iam__CreateRole__1.json"))
    assert found.arn == "arn:aws:iam::000000000000:role/service-role/your_role_name"
    assert found.console_url == "https://console.aws.amazon.com/iam/home#/roles/details/your_role_name"


def test_role_without_response_gets_the_arn_from_account_path_and_name():
    found = resolve("aws_iam_role", corpus_record("iam__CreateRole__4.json"))
    assert found.arn == "arn:aws:iam::123456789012:role/new-role"

    raw = corpus_record("iam__CreateRole__4.json")
    raw["requestParameters"]["path"] = "/ops/"
    assert resolve("aws_iam_role", raw).arn == "arn:aws:iam::123456789012:role/ops/new-role"


def test_user_in_any_region_is_reported_in_the_record_region_with_the_global_console():
    [result] = Classifier().classify_envelope(_envelope("iam__CreateUser__3.json"))
    assert result.verdict == "detected"
    [resource] = result.resources
    assert resource.region == "ap-isob-central-3r"
    assert resource.arn == "arn:aws:iam::229654561268:user/malicious-iam-user"
    assert resource.console_url == "https://console.aws.amazon.com/iam/home#/users/details/malicious-iam-user"
    assert resource.tags == {"StratusRedTeam": "true"}
    assert resource.loses_data is False


def test_policy_import_id_is_its_arn_and_console_url_quotes_it():
    found = resolve("aws_iam_policy", corpus_record("iam__CreatePolicy__1.json"))
    assert found.name == "your_policy_name"
    assert found.import_id == found.arn
    assert found.console_url == (
        "https://console.aws.amazon.com/iam/home#/policies/details/"
        "arn%3Aaws%3Aiam%3A%3A000000000000%3Apolicy%2Fservice-role%2Fyour_policy_name"
    )


def test_policy_without_response_derives_the_arn_and_without_an_account_cannot():
    raw = corpus_record("iam__CreatePolicy__1.json")
    raw["responseElements"] = None
    found = resolve("aws_iam_policy", raw)
    assert found.import_id == "arn:aws:iam::000000000000:policy/service-role/your_policy_name"

    raw = copy.deepcopy(raw)
    del raw["recipientAccountId"]
    del raw["userIdentity"]["accountId"]
    with pytest.raises(ExtractError, match=r"responseElements\.policy\.arn"):
        resolve("aws_iam_policy", raw)


def test_request_tags_are_read():
    raw = corpus_record("iam__CreateRole__3.json")
    raw["requestParameters"]["tags"] = [{"key": "team", "value": "data"}, {"key": "Name", "value": "rds mon"}]
    assert resolve("aws_iam_role", raw).tags == {"team": "data", "Name": "rds mon"}


def test_record_without_the_name_is_an_incomplete_error():
    raw = corpus_record("iam__CreateRole__4.json")
    raw["requestParameters"] = {}
    with pytest.raises(ExtractError, match=r"requestParameters\.roleName"):
        resolve("aws_iam_role", raw)
    result = Classifier().classify(CloudTrailRecord(raw, "t"))
    assert (result.verdict, result.reason_code) == ("error", "incomplete")


def test_state_attributes_map_to_the_import_id():
    role = {"id": "rds-monitoring-role", "name": "rds-monitoring-role", "arn": "arn:aws:iam::1:role/x"}
    assert CATALOG["aws_iam_role"].state_import_id(role) == "rds-monitoring-role"
    user = {"id": "test-user", "name": "test-user"}
    assert CATALOG["aws_iam_user"].state_import_id(user) == "test-user"
    arn = "arn:aws:iam::00000000000:policy/PwncloudSNSPublishPolicy"
    policy = {"id": arn, "arn": arn, "name": "PwncloudSNSPublishPolicy", "policy_id": "ANPA47CRWDCFT7RKX3QNL"}
    assert CATALOG["aws_iam_policy"].state_import_id(policy) == arn


def test_policy_in_state_is_managed_by_its_id_alone():
    arn = "arn:aws:iam::00000000000:policy/PwncloudSNSPublishPolicy"
    index = ManagedIndex()
    # No 'arn' attribute: the match must come from the id mapping, not the ARN fallback.
    index.add_state(
        {
            "version": 4,
            "resources": [
                {
                    "mode": "managed",
                    "type": "aws_iam_policy",
                    "name": "sns",
                    "instances": [{"attributes": {"id": arn, "name": "PwncloudSNSPublishPolicy"}}],
                }
            ],
        },
        "s3://state/iam.tfstate",
    )
    [result] = Classifier(managed=index).classify_envelope(_envelope("iam__CreatePolicy__2.json"))
    assert (result.verdict, result.reason_code) == ("ignored", "managed")


def test_iam_entries_do_not_lose_data():
    assert [CATALOG[t].loses_data for t in ("aws_iam_role", "aws_iam_user", "aws_iam_policy")] == [False] * 3


def _iam_record(event, request, response):
    """A console record of another IAM call, on the envelope of a real CreateRole record."""
    raw = corpus_record("iam__CreateRole__1.json")
    raw.update({"eventName": event, "requestParameters": request, "responseElements": response})
    return raw


def test_group_from_request_and_response():
    raw = _iam_record("CreateGroup", {"groupName": "data-engineers", "path": "/teams/"},
                      {"group": {"path": "/teams/", "groupName": "data-engineers", "groupId": "AGPAEXAMPLE",
                                 "arn": "arn:aws:iam::000000000000:group/teams/data-engineers"}})
    [result] = [Classifier().classify(CloudTrailRecord(raw, "t"))]
    assert result.verdict == "detected", result.reason
    [resource] = result.resources
    assert (resource.tf_type, resource.import_id) == ("aws_iam_group", "data-engineers")
    assert resource.arn == "arn:aws:iam::000000000000:group/teams/data-engineers"
    assert resource.console_url == "https://console.aws.amazon.com/iam/home#/groups/details/data-engineers"
    assert resource.tags == {}
    assert resource.loses_data is False


def test_group_without_response_builds_the_arn_from_account_path_and_name():
    found = resolve("aws_iam_group", _iam_record("CreateGroup", {"groupName": "ops"}, None))
    assert found.arn == "arn:aws:iam::000000000000:group/ops"
    found = resolve("aws_iam_group", _iam_record("CreateGroup", {"groupName": "ops", "path": "/a/b"}, None))
    assert found.arn == "arn:aws:iam::000000000000:group/a/b/ops"


def test_group_name_from_the_response_when_the_request_was_dropped():
    found = resolve("aws_iam_group", _iam_record("CreateGroup", {}, {"group": {"groupName": "ops"}}))
    assert found.import_id == "ops"


def test_group_without_a_name_is_an_extract_error():
    with pytest.raises(ExtractError, match=r"requestParameters\.groupName"):
        resolve("aws_iam_group", _iam_record("CreateGroup", {"path": "/"}, None))


def test_group_name_with_hostile_characters_is_quoted_in_the_console_url():
    found = resolve("aws_iam_group", _iam_record("CreateGroup", {"groupName": "a+b=c,d.e@f"}, None))
    assert found.import_id == "a+b=c,d.e@f"
    assert found.console_url.endswith("#/groups/details/a%2Bb%3Dc%2Cd.e%40f")


def test_instance_profile_with_tags_and_path():
    raw = _iam_record(
        "CreateInstanceProfile",
        {"instanceProfileName": "web-nodes", "path": "/ec2/", "tags": [{"key": "team", "value": "web"}]},
        {"instanceProfile": {"path": "/ec2/", "instanceProfileName": "web-nodes", "instanceProfileId": "AIPAEXAMPLE",
                             "arn": "arn:aws:iam::000000000000:instance-profile/ec2/web-nodes", "roles": []}},
    )
    [result] = [Classifier().classify(CloudTrailRecord(raw, "t"))]
    assert result.verdict == "detected", result.reason
    [resource] = result.resources
    assert (resource.tf_type, resource.import_id) == ("aws_iam_instance_profile", "web-nodes")
    assert resource.arn == "arn:aws:iam::000000000000:instance-profile/ec2/web-nodes"
    assert resource.tags == {"team": "web"}
    assert resource.console_url == "https://console.aws.amazon.com/iam/home#/roles"


def test_instance_profile_without_response_builds_its_arn_and_reads_response_tags_otherwise():
    found = resolve("aws_iam_instance_profile",
                    _iam_record("CreateInstanceProfile", {"instanceProfileName": "p", "path": "/x/"}, None))
    assert found.arn == "arn:aws:iam::000000000000:instance-profile/x/p"
    found = resolve("aws_iam_instance_profile", _iam_record(
        "CreateInstanceProfile", {},
        {"instanceProfile": {"instanceProfileName": "p", "tags": [{"key": "k", "value": "v"}]}}))
    assert (found.import_id, found.tags) == ("p", {"k": "v"})


def test_instance_profile_without_a_name_is_an_extract_error():
    with pytest.raises(ExtractError, match=r"requestParameters\.instanceProfileName"):
        resolve("aws_iam_instance_profile", _iam_record("CreateInstanceProfile", None, None))


def test_group_and_instance_profile_states_map_to_their_names():
    for tf_type in ("aws_iam_group", "aws_iam_instance_profile"):
        assert CATALOG[tf_type].state_import_id({"id": "ops", "name": "ops", "arn": "arn:aws:iam::1:x/ops"}) == "ops"

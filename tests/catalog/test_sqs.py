import pytest

from bot.catalog import CATALOG, ExtractError
from bot.events import CloudTrailRecord
from tests.conftest import corpus_record

# Corpus file -> the resources its record creates, as (Terraform type, exact import ID).
CORPUS_IDS = {
    "sqs__CreateQueue__1.json": [("aws_sqs_queue", "https://sqs.ap-northeast-2.amazonaws.com/000000000000/test-queue")],
    # The AWS documentation example's URL, host included, exactly as the record gives it.
    "sqs__CreateQueue__2.json": [("aws_sqs_queue", "https://sqs.us-east-2.amazon.com/123456789012/MyQueue")],
}


def resolve(raw: dict):
    return CATALOG["aws_sqs_queue"].resolve(CloudTrailRecord(raw, "t"))


def test_queue_name_arn_console_url_and_tags():
    [found] = resolve(corpus_record("sqs__CreateQueue__1.json"))
    assert found.name == "test-queue"
    assert found.arn == "arn:aws:sqs:ap-northeast-2:000000000000:test-queue"
    assert found.console_url == (
        "https://ap-northeast-2.console.aws.amazon.com/sqs/v3/home?region=ap-northeast-2#/queues/"
        "https%3A%2F%2Fsqs.ap-northeast-2.amazonaws.com%2F000000000000%2Ftest-queue"
    )
    assert found.tags == {"TestKey": "TestValue"}
    assert CATALOG["aws_sqs_queue"].loses_data is True


def test_account_comes_from_the_url_when_the_record_lacks_it():
    # sqs__CreateQueue__2 has no recipientAccountId; the URL's path still names the account.
    raw = corpus_record("sqs__CreateQueue__2.json")
    raw["userIdentity"].pop("accountId")
    [found] = resolve(raw)
    assert found.arn == "arn:aws:sqs:us-east-2:123456789012:MyQueue"


def test_tags_as_key_value_pairs():
    raw = corpus_record("sqs__CreateQueue__2.json")
    raw["requestParameters"]["tags"] = [{"key": "team", "value": "orders"}]
    [found] = resolve(raw)
    assert found.tags == {"team": "orders"}


@pytest.mark.parametrize("response", [None, {}])
def test_no_response_leaves_the_url_to_get_queue_url(response):
    raw = corpus_record("sqs__CreateQueue__1.json")
    raw["responseElements"] = response
    [found] = resolve(raw)
    assert (found.import_id, found.name) == ("", "test-queue")
    assert CATALOG["aws_sqs_queue"].lookup.call == "sqs:GetQueueUrl"
    del raw["requestParameters"]["queueName"]
    with pytest.raises(ExtractError, match=r"responseElements\.queueUrl"):
        resolve(raw)


def test_the_json_protocols_field_names():
    # Since 2023 the SDKs call SQS over its JSON protocol; records written from those calls spell the fields the
    # way the API does.
    raw = corpus_record("sqs__CreateQueue__1.json")
    url = raw["responseElements"]["queueUrl"]
    raw["requestParameters"] = {"QueueName": "test-queue", "Tags": {"team": "orders"}}
    raw["responseElements"] = {"QueueUrl": url}
    [found] = resolve(raw)
    assert (found.import_id, found.name, found.tags) == (url, "test-queue", {"team": "orders"})


def test_state_import_id_is_the_url():
    url = "https://sqs.ap-northeast-2.amazonaws.com/000000000000/test-queue"
    assert CATALOG["aws_sqs_queue"].state_import_id({"id": url, "url": url, "name": "test-queue"}) == url

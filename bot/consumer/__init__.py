"""The SQS consumer: queue message -> envelope -> classification -> resource record -> notifier -> delete.

SQS delivers at least once and replicas race, so every step is safe to repeat, and a message is deleted only after
everything it caused is stored and notified. The parts:

- loop: long-polls the queue, keeps messages in flight hidden, deletes them in batches, stops cleanly;
- handling: one message, from its envelope through classification to what to store, with its dedupe markers;
- storage: resource records created and changed by conditional writes, and the notification of each change;
- gone: which known resources a delete call made outside tfsync removed;
- sweep: ignores that ran out, whose records go back to detected;
- classifiers: the classifier in use, rebuilt as ignore rules and Terraform states change.
"""

from bot.consumer.classifiers import ClassifierSource
from bot.consumer.gone import DELETE_EVENTS, delete_candidates
from bot.consumer.handling import MessageHandler, Outcome
from bot.consumer.loop import Consumer, run_worker
from bot.consumer.stats import ConsumerStats
from bot.consumer.storage import RecordStore

__all__ = [
    "DELETE_EVENTS",
    "ClassifierSource",
    "Consumer",
    "ConsumerStats",
    "MessageHandler",
    "Outcome",
    "RecordStore",
    "delete_candidates",
    "run_worker",
]

"""Amazon OpenSearch Service: every domain of the region, of either engine (OpenSearch or Elasticsearch)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from bot.catalog._scan import NOT_FOUND, in_batches
from bot.catalog.base import Listed, Lister, ScanScope, text
from bot.catalog.opensearch import _console

# DescribeDomains takes at most this many domain names a call.
_DESCRIBE_BATCH = 5


def _facts(domain: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    config = domain.get("ClusterConfig") or {}
    ebs = domain.get("EBSOptions") or {}
    facts = []
    if config.get("InstanceType"):
        facts.append(("instances", f"{config.get('InstanceCount', 1)} x {config['InstanceType']}"))
    facts.append(("engine", text(domain.get("EngineVersion"))))
    if config.get("DedicatedMasterEnabled") and config.get("DedicatedMasterType"):
        facts.append(("masters", f"{config.get('DedicatedMasterCount', 0)} x {config['DedicatedMasterType']}"))
    if config.get("WarmEnabled") and config.get("WarmType"):
        facts.append(("warm nodes", f"{config.get('WarmCount', 0)} x {config['WarmType']}"))
    if ebs.get("EBSEnabled") and ebs.get("VolumeSize"):
        volume = " ".join(v for v in (f"{ebs['VolumeSize']} GiB", text(ebs.get("VolumeType"))) if v)
        facts.append(("storage", f"{volume} per node"))
    return tuple((label, value) for label, value in facts if value)


def _domains(scope: ScanScope) -> Iterator[Listed]:
    opensearch = scope.clients("opensearch")
    # ListDomainNames answers with every domain at once (it has no pagination).
    names = [text(d.get("DomainName")) for d in opensearch.list_domain_names().get("DomainNames", [])]
    names = [name for name in names if name]
    # A domain deleted since the listing is left out: DescribeDomains leaves it out of its answer, or refuses the
    # whole batch, which is then described one by one.
    domains = in_batches(opensearch.describe_domains, names, param="DomainNames", key="DomainStatusList",
                         per_call=_DESCRIBE_BATCH, gone=(NOT_FOUND,))
    for domain in domains:
        # Deleted is set from DeleteDomain until the domain is gone.
        if domain.get("Deleted") or text(domain.get("DomainProcessingStatus")) == "Deleting":
            continue
        name = text(domain["DomainName"])
        yield Listed(
            import_id=name,
            name=name,
            arn=text(domain.get("ARN")) or scope.arn("es", f"domain/{name}"),
            console_url=_console(scope.region, name),
            facts=_facts(domain),
        )


LISTERS = {
    "aws_opensearch_domain": Lister(("es:ListDomainNames", "es:DescribeDomains"), _domains),
}

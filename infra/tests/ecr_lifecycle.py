"""An evaluator of Amazon ECR lifecycle policies, as the ECR User Guide documents them.

Rules (https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html and
lifecycle_policy_parameters.html):
- rules apply in rulePriority order, lowest first; priorities are unique; a rule with
  tagStatus `any` must have the highest priority; only one rule may select `untagged`;
- `tagged` needs tagPatternList (`*` wildcards) or tagPrefixList, and an image matches
  when every pattern (prefix) matches one of its tags; `untagged` takes no list;
- imageCountMoreThan keeps the newest countNumber matching images by push time and
  identifies the older ones; sinceImagePushed identifies those pushed more than
  countNumber days ago;
- "An image that matches the tagging requirements of a higher priority rule cannot be
  expired by a rule with a lower priority", and "Rules can never mark images that are
  marked by higher priority rules, but can still identify them as if they haven't been
  expired": so counts include images earlier rules matched or expired.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

DAY = 24 * 3600


@dataclass(frozen=True)
class Image:
    digest: str
    pushed_at: float  # seconds
    tags: frozenset[str] = frozenset()


def _pattern(pattern: str) -> re.Pattern[str]:
    return re.compile("^" + ".*".join(re.escape(part) for part in pattern.split("*")) + "$")


def validate(policy: dict[str, Any]) -> list[dict[str, Any]]:
    """The rules in evaluation order; ValueError for what ECR would refuse."""
    rules = sorted(policy["rules"], key=lambda rule: rule["rulePriority"])
    priorities = [rule["rulePriority"] for rule in rules]
    if len(set(priorities)) != len(priorities):
        raise ValueError(f"rulePriority values must be unique: {priorities}")
    statuses = [rule["selection"]["tagStatus"] for rule in rules]
    if "any" in statuses and statuses.index("any") != len(rules) - 1:
        raise ValueError("a rule with tagStatus any must have the highest rulePriority")
    if statuses.count("untagged") > 1:
        raise ValueError("only one rule may select untagged images")
    for rule in rules:
        selection = rule["selection"]
        lists = [key for key in ("tagPatternList", "tagPrefixList") if selection.get(key)]
        if selection["tagStatus"] == "tagged" and len(lists) != 1:
            raise ValueError(f"rule {rule['rulePriority']}: tagged needs one tag list")
        if selection["tagStatus"] != "tagged" and lists:
            raise ValueError(f"rule {rule['rulePriority']}: only tagged rules take tag lists")
        if selection["countType"] not in ("imageCountMoreThan", "sinceImagePushed"):
            raise ValueError(f"rule {rule['rulePriority']}: unsupported {selection['countType']}")
        if selection["countType"] == "sinceImagePushed" and selection.get("countUnit") != "days":
            raise ValueError(f"rule {rule['rulePriority']}: sinceImagePushed counts days")
        if int(selection["countNumber"]) < 1:
            raise ValueError(f"rule {rule['rulePriority']}: countNumber must be at least 1")
        if rule["action"]["type"] != "expire":
            raise ValueError(f"rule {rule['rulePriority']}: only expire is modelled")
    return rules


def matches(rule: dict[str, Any], image: Image) -> bool:
    """Whether the image meets the rule's tagging requirements."""
    selection = rule["selection"]
    status = selection["tagStatus"]
    if status == "any":
        return True
    if status == "untagged":
        return not image.tags
    if selection.get("tagPatternList"):
        patterns = [_pattern(p) for p in selection["tagPatternList"]]
        return all(any(p.match(tag) for tag in image.tags) for p in patterns)
    prefixes = selection["tagPrefixList"]
    return all(any(tag.startswith(prefix) for tag in image.tags) for prefix in prefixes)


def expired(policy: dict[str, Any], images: Iterable[Image], now: float) -> dict[str, int]:
    """Digest -> rulePriority of the rule that expires it, for every expired image."""
    rules = validate(policy)
    images = list(images)
    result: dict[str, int] = {}
    for index, rule in enumerate(rules):
        selection = rule["selection"]
        candidates = sorted(
            (image for image in images if matches(rule, image)),
            key=lambda image: image.pushed_at,
            reverse=True,
        )
        count = int(selection["countNumber"])
        if selection["countType"] == "imageCountMoreThan":
            identified = candidates[count:]
        else:
            identified = [i for i in candidates if now - i.pushed_at > count * DAY]
        for image in identified:
            if image.digest in result:
                continue
            if any(matches(higher, image) for higher in rules[:index]):
                continue
            result[image.digest] = rule["rulePriority"]
    return result

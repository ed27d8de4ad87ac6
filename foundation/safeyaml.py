"""YAML that cannot explode: aliases that expand past a small bound are refused anywhere in a file.

`yaml.safe_load` builds no objects, but it does expand aliases: nine anchors of nine aliases each
("billion laughs") turn a 1 KB file into 387 million nodes, 89 s and 6 GB later. Here the
document is composed first (aliases stay shared nodes, so that is cheap), its expanded size is
counted with memoisation, and only a document within the bound is constructed.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_NODES = 100_000  # config.yaml in this repository expands to about 1,500 nodes


class YamlBombError(ValueError):
    """The document expands past MAX_NODES, refers to itself, or nests too deeply."""


def _expanded_size(node: yaml.Node, memo: dict[int, int], active: set[int]) -> int:
    key = id(node)
    if key in memo:
        return memo[key]
    if key in active:
        raise YamlBombError("an alias refers to the node that contains it")
    size = 1
    if isinstance(node, yaml.SequenceNode | yaml.MappingNode):
        active.add(key)
        children = (
            node.value
            if isinstance(node, yaml.SequenceNode)
            else [part for pair in node.value for part in pair]
        )
        for child in children:
            size += _expanded_size(child, memo, active)
            if size > MAX_NODES:
                raise YamlBombError(
                    f"its aliases expand to more than {MAX_NODES:,} values (an alias bomb?)"
                )
        active.discard(key)
    memo[key] = size
    return size


def load(text: str) -> Any:
    """Parse one YAML document safely; YamlBombError when it would expand past the bound."""
    loader = yaml.SafeLoader(text)
    try:
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            _expanded_size(node, {}, set())
        except RecursionError:
            raise YamlBombError("it is nested too deeply") from None
        return loader.construct_document(node)
    finally:
        loader.dispose()

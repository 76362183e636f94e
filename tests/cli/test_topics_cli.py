"""``dunbar topics index`` through the real entry point, on both backends."""

from __future__ import annotations

from typing import Any

import pytest

from dunbar.semantic import is_available

Cli = Any

semantic = pytest.mark.skipif(
    not is_available(),
    reason="the [semantic] extra is not installed (pip install -e '.[semantic]')",
)


def _setup(cli: Cli) -> None:
    for args in (
        ("add", "person", "Ana Silva", "--tag", "supply-chain finance", "--title", "Treasurer"),
        ("add", "person", "Bo Chen", "--tag", "gardening"),
    ):
        result = cli(*args)
        assert result.code == 0, result.err


@semantic
def test_index_json_then_nothing_to_redo(cli: Cli) -> None:
    _setup(cli)
    first = cli("topics", "index", "--json")
    assert first.code == 0, first.err
    data = first.json()
    assert (data["embedded"], data["reused"], data["removed"]) == (3, 0, 0)
    assert data["model"] == "all-MiniLM-L6-v2"
    second = cli("topics", "index", "--json").json()
    assert (second["embedded"], second["reused"]) == (0, 3)
    text = cli("topics", "index")
    assert text.code == 0
    assert text.out.startswith("Embedded 0 texts, reused 3 stored vectors")


@semantic
def test_index_of_an_empty_ledger_says_so(cli: Cli) -> None:
    result = cli("topics", "index")
    assert result.code == 0, result.err
    assert "Nothing to index yet" in result.out


def test_index_without_the_extra_is_one_line_exit_2(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dunbar.semantic

    monkeypatch.setattr(
        dunbar.semantic,
        "unavailable_reason",
        lambda: (
            "semantic matching is not installed (torch missing): pip install 'dunbar[semantic]'"
        ),
    )
    _setup(cli)
    result = cli("topics", "index")
    assert result.code == 2
    assert result.err.count("\n") == 1
    assert "pip install 'dunbar[semantic]'" in result.err
    assert "matched by words only" in result.err

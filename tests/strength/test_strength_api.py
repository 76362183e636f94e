"""The public API of dunbar.strength, and its purity (no store, CLI or SQLAlchemy).

Adding or removing a public name is a decision: make it here, on purpose.
"""

from __future__ import annotations

import subprocess
import sys

import dunbar.strength as strength

PUBLIC = {
    # parameters
    "COMPONENTS",
    "ChannelWeights",
    "ComponentWeights",
    "StrengthParams",
    # episodes and tie strength
    "DayEpisode",
    "Episode",
    "TieStrength",
    "day_episodes",
    "duration_factor",
    "score_tie",
    # many ties at once
    "CHANNEL_CODES",
    "DIRECTION_CODES",
    "BatchScores",
    "EpisodeArrays",
    "score_many",
    "to_arrays",
    # circles
    "LAYER_NAMES",
    "Placement",
    "assign_circles",
    "cadence_for",
    "layer_ratios",
    "members_by_layer",
    # reconnect
    "DormantScore",
    "FadingItem",
    "diversify",
    "dormant_score",
    "fading",
    "is_dormant",
    "monthly_checkpoints",
    "peak_score",
    # value proposition
    "ValueProfile",
    "demand_breadth",
    "evenness",
    "inbound_share",
    "initiative_counts",
    "shannon_entropy",
    "sought_ratio",
    "value_profile",
}


def test_all_is_exactly_the_public_api() -> None:
    assert len(set(strength.__all__)) == len(strength.__all__)
    assert set(strength.__all__) == PUBLIC
    for name in strength.__all__:
        assert hasattr(strength, name), name


def test_the_engine_is_pure() -> None:
    code = (
        "import sys, dunbar.strength\n"
        "bad = [m for m in sys.modules if m.startswith(('dunbar.store', 'dunbar.cli', "
        "'dunbar.ledger', 'dunbar.web', 'sqlalchemy'))]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_docstring_examples() -> None:
    import doctest
    import importlib

    for name in ("batch", "circles", "episodes", "params", "reconnect", "score", "value"):
        module = importlib.import_module(f"dunbar.strength.{name}")
        result = doctest.testmod(module)
        assert result.failed == 0, name

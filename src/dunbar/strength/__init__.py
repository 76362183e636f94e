"""Tie strength, Dunbar circles and the reconnect queues: a pure engine.

Nothing here does I/O or knows about the store, the CLI or the web: functions
take plain data (episodes, scores, keyword parameters with neutral defaults)
and return plain data. Every number comes from one
:class:`~dunbar.strength.params.StrengthParams`, and every score lists its
named parts. The science, formulas and test vectors are in MODEL.md §1–3, §7
and §9.

- :mod:`~dunbar.strength.episodes` — what counts as an episode, the dedup and
  duration rules.
- :mod:`~dunbar.strength.score` — :func:`score_tie`, explainable S ∈ [0, 1].
- :mod:`~dunbar.strength.batch` — :func:`score_many`, the same for many ties
  at once (numpy).
- :mod:`~dunbar.strength.circles` — Dunbar layers, cadences, overdue.
- :mod:`~dunbar.strength.reconnect` — fading and dormant queues.
- :mod:`~dunbar.strength.value` — reverse networking: inbound share, sought
  ratio, value-proposition profile.
"""

from dunbar.strength.batch import (
    CHANNEL_CODES,
    DIRECTION_CODES,
    BatchScores,
    EpisodeArrays,
    score_many,
    to_arrays,
)
from dunbar.strength.circles import (
    LAYER_NAMES,
    Placement,
    assign_circles,
    cadence_for,
    layer_ratios,
    members_by_layer,
)
from dunbar.strength.episodes import DayEpisode, Episode, day_episodes, duration_factor
from dunbar.strength.params import COMPONENTS, ChannelWeights, ComponentWeights, StrengthParams
from dunbar.strength.reconnect import (
    DormantScore,
    FadingItem,
    diversify,
    dormant_score,
    fading,
    is_dormant,
    monthly_checkpoints,
    peak_score,
)
from dunbar.strength.score import TieStrength, score_tie
from dunbar.strength.value import (
    ValueProfile,
    demand_breadth,
    evenness,
    inbound_share,
    initiative_counts,
    shannon_entropy,
    sought_ratio,
    value_profile,
)

__all__ = [
    "CHANNEL_CODES",
    "COMPONENTS",
    "DIRECTION_CODES",
    "LAYER_NAMES",
    "BatchScores",
    "ChannelWeights",
    "ComponentWeights",
    "DayEpisode",
    "DormantScore",
    "Episode",
    "EpisodeArrays",
    "FadingItem",
    "Placement",
    "StrengthParams",
    "TieStrength",
    "ValueProfile",
    "assign_circles",
    "cadence_for",
    "day_episodes",
    "demand_breadth",
    "diversify",
    "dormant_score",
    "duration_factor",
    "evenness",
    "fading",
    "inbound_share",
    "initiative_counts",
    "is_dormant",
    "layer_ratios",
    "members_by_layer",
    "monthly_checkpoints",
    "peak_score",
    "score_many",
    "score_tie",
    "shannon_entropy",
    "sought_ratio",
    "to_arrays",
    "value_profile",
]

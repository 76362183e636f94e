"""The decide stage's interface: who answers when a match is not certain.

The pipeline asks a :class:`Decider` only about fuzzy candidates (the beets
habit: the import session leaves its questions abstract). An exact identity
merges without asking, and a record with no candidate is simply created. The
CLI's default answer is :class:`ProposeOnly`; ``dunbar import --ask`` puts each
question to the user; tests supply their own answers.

This module imports nothing heavy, so that the CLI can define its decider
without loading the database layer.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dunbar.importers.matching import Proposal
    from dunbar.importers.records import PersonRecord

__all__ = ["Choice", "Decider", "Decision", "ProposeOnly"]


class Decision(StrEnum):
    CREATE = "create"
    MERGE = "merge"
    SKIP = "skip"


@dataclass(frozen=True)
class Choice:
    """An answer to "is this record one of these people?"."""

    decision: Decision
    person_id: int | None = None


class Decider(ABC):
    """Answers what the pipeline cannot decide alone (the beets import-session habit).

    Asked only about fuzzy candidates: an exact identity merges without asking, and
    a record with no candidate is simply created. The CLI's answer is
    :class:`ProposeOnly`; tests and interactive front ends supply their own.
    """

    @abstractmethod
    def choose(self, record: PersonRecord, proposals: Sequence[Proposal]) -> Choice:
        """``MERGE`` into ``person_id`` (one of the proposals), ``CREATE`` or ``SKIP``."""


class ProposeOnly(Decider):
    """Never merge on a fuzzy match: create the person and list the proposal."""

    def choose(self, record: PersonRecord, proposals: Sequence[Proposal]) -> Choice:
        return Choice(Decision.CREATE)

"""A reproducible demo ledger built from real workplace contacts.

>>> import datetime as dt
>>> from dunbar.demo import build_demo
>>> now = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)
>>> summary = build_demo("demo.db", seed=7, now=now)      # doctest: +SKIP
>>> summary.me_name                                        # doctest: +SKIP

The contacts are SocioPatterns' InVS15 workplace data (CC0, see
``data/SOURCE.md``); everything else is generated from the seed.
"""

from dunbar.demo.builder import DemoSummary, Progress, build_demo, populate
from dunbar.demo.contacts import Episode, load_contacts, merge_contacts
from dunbar.demo.plan import DemoPlan, choose_me, plan_demo

__all__ = [
    "DemoPlan",
    "DemoSummary",
    "Episode",
    "Progress",
    "build_demo",
    "choose_me",
    "load_contacts",
    "merge_contacts",
    "plan_demo",
    "populate",
]

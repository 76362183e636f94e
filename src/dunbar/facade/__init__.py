"""The parts of :class:`dunbar.Ledger`; import ``Ledger`` from ``dunbar``."""

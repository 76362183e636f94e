"""Writing the ledger out in other formats (vCard 4.0 so far)."""

"""Practice: events a learner's app reports, the practice-day ledger and per-language streaks."""

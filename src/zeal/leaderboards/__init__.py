"""Leaderboards: friends and cohort boards by metric and period, summed from the ledger."""

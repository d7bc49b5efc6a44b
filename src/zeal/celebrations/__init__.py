"""Celebrations: a streak that reached a milestone, or a badge earned, shown on the learner's
next page once."""

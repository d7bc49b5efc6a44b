"""Badges: a catalog of metrics and their levels, learners' metric values, and awarding."""

"""Abuse limits: how often a learner or an address may do something, across every process."""

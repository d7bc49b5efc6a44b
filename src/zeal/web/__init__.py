"""Learner pages: server-rendered HTML over the same services as the JSON API."""

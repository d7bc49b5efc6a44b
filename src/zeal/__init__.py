"""Zeal: a gamification backend for learning apps."""

"""Learner data rights: a copy of everything Zeal keeps about a learner, and deletion."""

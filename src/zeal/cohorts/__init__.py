"""Cohorts: classes with teachers, students joining by invite code, and a board switch."""

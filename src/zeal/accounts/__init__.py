"""Accounts: learners, their sign-in sessions, public handles and avatars; platform API keys."""

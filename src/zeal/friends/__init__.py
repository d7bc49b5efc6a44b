"""Friends: requests, friendships with their friend streaks, blocks, search and profiles."""

"""What a platform does with its API key: its own learners by its own ids, and their practice."""

"""Webhooks: a platform's endpoints, the events written for them in the transaction that caused
them (the outbox), and their signed delivery with retries."""

"""Notifications: an account's targets (email addresses, webhook endpoints), the outbox of
messages written in the transaction of their cause, and the workers that deliver them."""

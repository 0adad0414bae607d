"""APScheduler wiring, periodic jobs, and the outbox dispatcher."""

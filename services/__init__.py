"""The domain: one module per area. Every operation takes a session and the acting
user, checks access first, flushes but never commits, and raises DomainError."""

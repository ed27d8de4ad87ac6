"""Foundation: the error tree, the settings object, shared record types and the case policy.

Everything else imports from here; this package imports nothing of callbrief's.
"""

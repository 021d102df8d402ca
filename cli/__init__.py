"""The ``bildungslotse`` command: database set-up, catalogue import and search, counsellor accounts, engine."""

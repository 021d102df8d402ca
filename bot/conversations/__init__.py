"""Citizen conversations: what was said, in order, and relaying it to the engine."""

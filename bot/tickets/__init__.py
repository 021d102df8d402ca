"""Handover tickets: a citizen's request to a Bildungsbüro, and the relay between both."""

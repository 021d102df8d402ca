"""Counsellors of the Bildungsbüros: accounts, passwords, tokens."""

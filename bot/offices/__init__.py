"""The Bildungsbüros' own data (hours, closures, contact), edited in the inbox, with a log of every change."""

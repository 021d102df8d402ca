"""Custom actions for the engine, one per module; each is thin and calls plain functions."""

import threading

from catalogue.text import warm_up

# The action server imports this package once at start; load German word data in the background then.
threading.Thread(target=warm_up, name="warm-up", daemon=True).start()

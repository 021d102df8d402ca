"""Custom actions for the engine, one per module; each is thin and calls plain functions."""

import threading

from catalogue import query, semantic, text


def _warm_up() -> None:
    text.warm_up()
    query.warm_up()
    semantic.warm_up()


# The action server imports this package once at start; load German word data, spaCy's
# tokenizer and the model in the background then.
threading.Thread(target=_warm_up, name="warm-up", daemon=True).start()

"""Custom actions for the engine, one per module; each is thin and calls plain functions."""

import threading

from catalogue import query, semantic, service, text


def _warm_up() -> None:
    text.warm_up()
    query.warm_up()
    semantic.warm_up()
    service.warm_up()


# The action server imports this package once at start; load German word data, spaCy's
# tokenizer, the model and the catalogue in the background then.
threading.Thread(target=_warm_up, name="warm-up", daemon=True).start()

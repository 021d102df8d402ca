"""Everything that faces the Rasa engine from our side: the REST client (and the ring of replicas), the
generated NLU data, Rasa's endpoints file written from our settings, and deleting from its tracker store."""

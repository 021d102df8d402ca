"""Citizens' feedback (spec §8): "Hat das geholfen?" after offers, a rating after a closed handover."""

"""What the assistant knows: municipalities, Bildungsbüros, providers and offers, and how to search them."""

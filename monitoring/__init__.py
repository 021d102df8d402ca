"""Anonymous demand figures for the county: what people search for, and what they do not find."""

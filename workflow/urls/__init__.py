"""The URL configurations of workflow's features, one module each."""

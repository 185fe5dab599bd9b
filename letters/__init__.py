"""The letters app: a letter's text, versions and lifecycle; it knows nothing of signatures."""

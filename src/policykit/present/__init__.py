"""Present: figures, the draft/final diff view and the documentation site."""

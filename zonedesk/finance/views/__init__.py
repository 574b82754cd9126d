"""Pages of the finance app. Callers import the submodule of their topic."""

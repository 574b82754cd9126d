"""Every read of the finance app, given the acting user and scoped to what that user may see.
Callers import the submodule of their topic."""

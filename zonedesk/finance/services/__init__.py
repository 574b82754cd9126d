"""Every write of the finance app: atomic, permission-checked, audited in the same transaction.
Callers import the submodule of their topic."""

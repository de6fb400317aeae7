"""The rule book: rule files read, filled in, checked and loaded; two books compared."""

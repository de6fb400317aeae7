"""Answers and rules in words: explanations, text and JSON reports, listings."""

"""A rule book on a date compiled into a plan, run on a profile's facts; what an answer is made of."""

"""The local web page (``eligibility serve``): a guided form, a profile's answers, a cohort's
report; imports nothing of its own, and Flask only in ``web/app.py``."""

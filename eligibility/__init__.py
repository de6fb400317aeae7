"""eligibility: rules-as-data eligibility checks for US medical coding certifications.

The data flows one way, one module per step:

    file --(profile)--> validated profile --(facts)--> derived facts
         --(evaluate, over rules from rules)--> result tree --(explain)--> explanation --(render)--> text/JSON

Everything the command line does is available from Python; start with :func:`eligibility.api.check_profile`.
"""

__version__ = "0.1.0"

"""Pure rules: functions of values, no models, no database.

Validators of what staff type (`text`, `phones`, `id_numbers`, `vehicles`, `email`), the
administrative divisions (`regions`) and address parsing (`address`), names (`names`), the
quality scoring of a profile (`scoring`, `issue_messages`) and the reading of a search string
(`search_terms`). Every app above may use them; they import nothing of the project but each
other (an import-linter contract in `make test` checks it).
"""

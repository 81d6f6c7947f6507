"""Plain-Python domain: typed ids, workflow enums, value objects, rules, results, errors."""

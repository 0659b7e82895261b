"""The API's views, one module per resource family: the programme's own (programmes, budget
years, evaluations) and its cases (a case with its timeline, decisions, payments, job reports)."""

"""Pages of the case: ``applicant`` for the company's people, ``files`` for downloads."""

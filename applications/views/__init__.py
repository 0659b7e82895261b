"""The applicant's pages: companies and their people (``companies``), and the application's
seven steps (``drafting``)."""

"""What the site answers: search, places, practitioners' documents, their history and freshness."""

"""What is published: a release's files, its Datasette metadata and saved queries."""

"""The progress database: connection, migrations, sessions."""

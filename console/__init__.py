"""Terminal output for the CLI: tables and progress bars (rich). Only the faces import this."""

"""Service functions: all the rules, no HTTP. Handlers in api/ stay thin over these."""

"""Service functions: all the rules, no HTTP. Handlers in server.api stay thin over these."""

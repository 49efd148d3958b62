"""Users, roles, API tokens, logging in and out, lockouts and password resets."""

"""The pages of accounts: logging in and out, password resets (``auth``); one's own account (``account``)."""

"""Business rules as plain functions (``verb_noun``) that take the session and the acting user.

They ``flush()`` and never ``commit()``: the request, command or job that called them owns
the transaction. They raise the errors in :mod:`liaison.core.errors`, which the web
layer turns into 4xx answers.
"""

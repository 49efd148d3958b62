"""Work items: the registry of COP work, its links and its history."""

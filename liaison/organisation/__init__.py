"""Bodies, groups and contacts: the directory, and who may edit which group."""

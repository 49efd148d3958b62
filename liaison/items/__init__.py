"""Work items: registering, editing, linking, searching and importing them; their pages, API and commands."""

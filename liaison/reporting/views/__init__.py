"""The public pages: decided overlaps, dashboard, annual report, exports and Atom feeds; one blueprint each."""

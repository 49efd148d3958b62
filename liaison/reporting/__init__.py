"""What liaison publishes: the public data, the dashboard, the annual report, exports and feeds."""

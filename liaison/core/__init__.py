"""What every part of liaison shares: validators, URL converters and the like. Imports no domain code."""

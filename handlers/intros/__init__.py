"""Introductions between members: the members' dialog and the secretariat's settings, one router."""

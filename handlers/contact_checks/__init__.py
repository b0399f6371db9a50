"""Disaster-time contact checks (安否確認): members answer, staff start, follow, close and answer for them."""

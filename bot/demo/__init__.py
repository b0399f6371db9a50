"""A believable partnership to try Renkei with: the simulator's people and the demo data."""

"""Partnership agreements (協定): staff register one in LINE."""

"""Areas (地区): the secretariat keeps the list in LINE; members choose theirs at registration."""

"""Meeting scheduling (日程調整): setting a poll up, answering it, deciding, moving and cancelling."""

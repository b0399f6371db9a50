"""KPIs: members report values by chat and see the summary; staff define KPIs in LINE."""

"""Notices from the secretariat: composed in LINE, sent to a segment, acknowledged, their read status."""

"""Handover (引継ぎ): a contact role passed to a successor with the work waiting on it, and the handover material."""

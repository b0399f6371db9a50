"""Who the bot talks to: members registering with an invite, their profiles, the groups it is in."""

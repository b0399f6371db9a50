"""The web console's side in LINE: staff ask for a sign-in link."""

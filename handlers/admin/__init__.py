"""Staff's administration in LINE (管理): the second menu, registering organizations, managing members."""

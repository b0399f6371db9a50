"""The LINE simulator of local mode: people, chats and the page that plays them."""

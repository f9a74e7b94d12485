"""Staff side: the Telegram staff group and the web console."""

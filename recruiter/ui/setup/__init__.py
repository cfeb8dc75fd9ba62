"""The Setup page's parts: its lists (panel), editors (dialogs, editors) and office settings."""

"""The Textual interface: a thin skin over the core (it only calls player.app.library and friends)."""

"""The Textual interface: a thin skin over the core (it only calls player.service and friends)."""

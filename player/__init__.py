"""compassion-player: guided compassionate-mind practice in the terminal."""

__version__ = "0.1.0"

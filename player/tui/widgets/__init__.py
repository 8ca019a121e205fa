"""Small display widgets."""

"""Pure data: scripts and the course, parsed and validated."""

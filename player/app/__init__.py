"""What a person can do (practise, render, look back on progress), each use case given the Context; the
command line and the TUI call these and only draw what they return."""

"""Pure rendering: Jinja2 templates and escaping for the code and messages tfsync writes."""

"""F0 Home Care by SMS: the Flask app, its configuration and its commands."""

"""A register's life in the window: the application and its controller, first-run wizard, unlock,
lock, recovery code, settings, help, enrolment cards, and the main window that holds the
workspaces."""

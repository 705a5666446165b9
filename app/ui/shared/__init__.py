"""Widgets and plumbing every window shares: the runner from a window to a use case (ops,
worker), the app-wide signal hub, table views and models, style, focus, keyboard, screen fit."""

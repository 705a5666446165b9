"""The confidant's windows: quick entry, the case dialogs, hours outside cases, the quarter pane,
the year overview, the quarterly export."""

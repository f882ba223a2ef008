"""Reusable widgets of the counter app: result card, keypad, training banner."""

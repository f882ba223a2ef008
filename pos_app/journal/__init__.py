"""The undo log: every redemption and reversal, written before it is sent."""

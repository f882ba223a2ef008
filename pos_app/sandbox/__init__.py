"""The local gateway simulator: both gateways on loopback, for training mode and tests."""

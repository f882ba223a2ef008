"""Secret storage: the OS keyring, and what happens without one."""

"""Settings (TOML) and the app folders."""

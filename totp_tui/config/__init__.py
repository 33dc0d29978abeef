"""Configuration: Settings, and the one merge of flags, environment, profile and defaults."""

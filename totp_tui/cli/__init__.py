"""The command line: the wizard, `demo`, `profiles` and `admin`; shared options and output."""

"""Platform-neutral conversation: commands, button actions and dialogs per area."""

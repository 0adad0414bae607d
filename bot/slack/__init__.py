"""The Slack adapter (slack_bolt): every neutral feature as a Slack app."""

from bot.slack.adapter import SlackAdapter

__all__ = ["SlackAdapter"]

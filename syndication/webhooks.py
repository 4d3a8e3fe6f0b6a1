"""Webhook deliveries to partners (connected to ``events.change_recorded``)."""

"""Channel adapters: platform payloads ↔ neutral Inbound / Reply objects."""

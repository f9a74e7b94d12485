"""Fake platform servers (aiohttp, 127.0.0.1 only) that the real SDK clients talk to in tests."""

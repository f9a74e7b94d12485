import socket

import pytest


def test_a_test_cannot_reach_beyond_loopback() -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(RuntimeError, match=r"only 127\.0\.0\.1"):
            sock.connect(("192.0.2.1", 80))  # TEST-NET-1: never routed, never contacted
    finally:
        sock.close()


def test_loopback_is_allowed() -> None:
    server = socket.create_server(("127.0.0.1", 0))
    try:
        client = socket.create_connection(server.getsockname(), timeout=2)
        client.close()
    finally:
        server.close()

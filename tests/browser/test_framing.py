"""No other page can show the sign-in pages in a frame (clickjacking): the local stack sends the deployed
`frame-ancestors 'none'` and `X-Frame-Options: DENY`, and Chromium refuses to draw the page inside another."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from playwright.sync_api import Frame, Page, expect

pytestmark = pytest.mark.browser


@contextmanager
def another_site(page_html: str) -> Iterator[str]:
    """A site of another origin (its own port on loopback: Chromium lets only a local page frame a local one)
    that serves `page_html` at its root, while the block runs: its address."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = page_html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("path", ["/", "/#/account"])
def test_another_page_cannot_frame_the_sign_in_pages(page: Page, site: str, path: str):
    framing = f'<!doctype html><title>Kitas</title><iframe id="framed" title="framed" src="{site}{path}"></iframe>'
    with another_site(framing) as framer:
        with page.expect_event("framenavigated", predicate=lambda frame: frame != page.main_frame) as navigated:
            page.goto(framer)
        framed: Frame = navigated.value
        assert not framed.url.startswith(site), framed.url  # Chromium's error page in its place
        expect(page.frame_locator("#framed").locator("body")).not_to_contain_text("MIGRIS")

    # The same page opened on its own is drawn as usual.
    page.goto(path)
    expect(page.get_by_role("banner")).to_contain_text("MIGRIS")

"""Screenshot a page of a running Odoo as a given user (for the README).

    python3 scripts/screenshot.py URL LOGIN PASSWORD OUT.png [--phone]

Drives Debian's Chromium over the DevTools protocol (websocket-client).
"""

import base64
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlparse

import requests
import websocket


def login(base, user, password):
    session = requests.Session()
    page = session.get(f"{base}/web/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    session.post(
        f"{base}/web/login",
        data={"login": user, "password": password, "csrf_token": token},
    )
    return session.cookies["session_id"]


def main(url, user, password, out, phone=False):
    parsed = urlparse(url)
    base = f"{parsed.scheme}://{parsed.netloc}"
    session_id = login(base, user, password)
    width, height = (390, 1100) if phone else (1280, 1000)
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:
        browser = subprocess.Popen(
            [
                "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                f"--user-data-dir={profile}",
                "--remote-debugging-port=9333",
                f"--window-size={width},{height}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(50):
                try:
                    target = requests.put(
                        "http://127.0.0.1:9333/json/new?about:blank"
                    ).json()
                    break
                except requests.ConnectionError:
                    time.sleep(0.2)
            ws = websocket.create_connection(target["webSocketDebuggerUrl"])
            counter = iter(range(1, 1000))

            def call(method, **params):
                ident = next(counter)
                ws.send(json.dumps({"id": ident, "method": method, "params": params}))
                while True:
                    message = json.loads(ws.recv())
                    if message.get("id") == ident:
                        return message.get("result", {})

            call("Network.enable")
            call(
                "Network.setCookie",
                name="session_id",
                value=session_id,
                domain=parsed.hostname,
                path="/",
            )
            call(
                "Emulation.setDeviceMetricsOverride",
                width=width,
                height=height,
                deviceScaleFactor=1,
                mobile=phone,
            )
            call("Page.enable")
            call("Page.navigate", url=url)
            time.sleep(float(os.environ.get("SCREENSHOT_WAIT", "5")))
            shot = call("Page.captureScreenshot", format="png")
            with open(out, "wb") as handle:
                handle.write(base64.b64decode(shot["data"]))
        finally:
            browser.terminate()
            browser.wait(10)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--phone"]
    main(*args, phone="--phone" in sys.argv)

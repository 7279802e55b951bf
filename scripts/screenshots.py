"""Screenshots of the main web pages over the demo corpus (run `make demo` first): docs/screenshots/*.png."""

from __future__ import annotations

import shutil
import socket
import sys
import threading
import time
from pathlib import Path

import uvicorn
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from wto_assist.web.app import create_app

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "indexes" / "demo"
PAGES = {
    "search": "/search?q=duty-free+quota-free+market+access+for+LDCs",
    "document": "/document/WT/COMTD/M/990?para=3#p4",
    "precedent": "/precedent?provision=Article+XX+of+the+GATT+1994",
    "disputes": "/disputes/DS990",
    "corpus": "/corpus",
}


def main() -> None:
    if not (DEMO / "corpus.sqlite").exists():
        sys.exit("run `make demo` first: the screenshots show the demo corpus")
    out = REPO / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_app(DEMO / "corpus.sqlite", DEMO / "default", DEMO / "web")
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1100"):
        options.add_argument(argument)
    browser = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    try:
        for name, path in PAGES.items():
            browser.get(f"http://127.0.0.1:{port}{path}")
            browser.save_screenshot(str(out / f"{name}.png"))
            print(out / f"{name}.png")
    finally:
        browser.quit()
        server.should_exit = True


if __name__ == "__main__":
    main()

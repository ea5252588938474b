"""What every real-browser test shares: how Chromium is launched, where screenshots go."""

import os
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
# Debian's chromium (`playwright install` cannot download here); the network flags keep it
# from calling out of a closed network.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--lang=zh-CN",
]
# The browser's own words (date and time pickers: 年/月/日, not mm/dd/yyyy and AM/PM) follow
# the language of the process, as on a staff PC set up in Chinese; needs chromium-l10n.
CHROMIUM_ENV = {"LANGUAGE": "zh_CN"}


def launch(playwright):
    return playwright.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        env={**os.environ, **CHROMIUM_ENV},
    )


def screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)

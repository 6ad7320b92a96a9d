"""The report page in a real browser: Debian's Chromium, headless, driven through chromedriver."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import numpy as np
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from helpers import run_cli, write_wav

pytestmark = pytest.mark.e2e

# Debian's names first, then Ubuntu's; scripts/setup.sh --dev installs one or the other.
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or shutil.which("chromium.chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture(scope="module")
def report_page(tmp_path_factory: pytest.TempPathFactory, spoken_answer: np.ndarray) -> Path:
    """A session made by `voiceprep analyze` with the real model, and its report.html."""
    root = tmp_path_factory.mktemp("browser")
    wav = write_wav(root / "answer.wav", spoken_answer)
    result = run_cli("analyze", str(wav), "-q", "prototype-to-production", env={"VOICEPREP_HOME": str(root / "data")})
    assert result.returncode == 0, result.stderr
    [page] = list((root / "data").glob("*/report.html"))
    return page


@pytest.fixture
def browser(tmp_path: Path):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--autoplay-policy=no-user-gesture-required", "--window-size=1200,1600",
        f"--user-data-dir={tmp_path / 'profile'}",
    ):  # fmt: skip
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def audio_time(driver) -> float:
    return float(driver.execute_script("return document.querySelector('audio').currentTime"))


def test_click_seek_highlight_and_no_network(browser, report_page: Path) -> None:
    browser.get(report_page.as_uri())
    words = browser.find_elements(By.CSS_SELECTOR, "[data-player] .w")
    assert len(words) > 40
    # the audio is loaded from the session folder
    deadline = time.monotonic() + 10
    while browser.execute_script("return document.querySelector('audio').readyState") < 2:
        assert time.monotonic() < deadline, "the audio never loaded"
        time.sleep(0.05)

    middle = words[len(words) // 2]
    start = float(middle.get_attribute("data-start"))
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", middle)
    middle.click()
    time.sleep(0.2)
    assert start <= audio_time(browser) <= start + 1.0
    assert not browser.execute_script("return document.querySelector('audio').paused")

    # playback highlights the words in order, one at a time
    # (the player's word and the highlighted one are read in one script: playback goes on between calls)
    seen = []
    for _ in range(25):
        current, highlighted = browser.execute_script(
            "var w = document.querySelectorAll('.w.current'), p = document.querySelector('[data-player]');"
            "return [p.dataset.current, w.length == 1 ? w[0].dataset.i : w.length];"
        )
        assert isinstance(highlighted, str), f"{highlighted} words highlighted at once"
        assert int(highlighted) == int(current)
        seen.append(int(current))
        time.sleep(0.08)
    assert seen == sorted(seen)
    assert seen[0] >= len(words) // 2 and len(set(seen)) >= 3

    # the view follows: the highlighted word is inside the transcript's visible area
    visible = browser.execute_script(
        "var w = document.querySelector('.w.current'), box = document.querySelector('.transcript');"
        "var a = w.getBoundingClientRect(), b = box.getBoundingClientRect();"
        "return a.top >= b.top - 1 && a.bottom <= b.bottom + 1;"
    )
    assert visible

    # clicking the timeline seeks too
    browser.execute_script("document.querySelector('audio').pause()")
    timeline = browser.find_element(By.CSS_SELECTOR, "svg.timeline")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", timeline)
    webdriver.ActionChains(browser).move_to_element_with_offset(
        timeline, -timeline.size["width"] // 4, 0
    ).click().perform()
    duration = float(timeline.get_attribute("data-duration"))
    assert duration * 0.15 <= audio_time(browser) <= duration * 0.4

    # the sentence that made a rubric point plays the answer from that sentence
    browser.execute_script("document.querySelector('audio').pause()")
    said = browser.find_elements(By.CSS_SELECTOR, "button.said[data-at]")
    assert said, "no rubric point shows the sentence that made it"
    last = max(said, key=lambda el: float(el.get_attribute("data-at")))
    at = float(last.get_attribute("data-at"))
    assert at > 1.0
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", last)
    last.click()
    assert at - 0.05 <= audio_time(browser) <= at + 1.0
    assert not browser.execute_script("return document.querySelector('audio').paused")

    browser.save_screenshot(str(report_page.parent / "screenshot.png"))

    # nothing was fetched but the page and its audio file
    urls = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    ours = [u for u in urls if u.startswith("file:")]
    assert report_page.as_uri() in ours and (report_page.parent / "answer.wav").as_uri() in ours
    leaving = [u for u in urls if not u.startswith(("file:", "data:", "blob:", "chrome:", "about:"))]
    assert leaving == []
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []

"""The review page in headless Chromium (Debian's chromium + chromedriver, driven by selenium).

Skipped only when chromium or chromedriver cannot be found. No browser is downloaded:
selenium is pointed at /usr/bin/chromedriver and the system chromium binary.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from pipeline.review import build_review
from tests.review_fixtures import make_output

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver")
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1280,1600")

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason=f"chromium ({CHROMIUM or 'not found'}) and chromedriver ({CHROMEDRIVER or 'not found'}) are needed: "
           "apt-get install -y chromium chromium-driver")


@pytest.fixture
def browser(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'profile'}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def _page(tmp_path: Path) -> Path:
    page = tmp_path / "review.html"
    build_review(make_output(tmp_path / "out"), page)
    return page


def _severe(driver) -> list[dict]:
    return [entry for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"]


def test_click_highlights_evidence_without_console_errors(browser, tmp_path):
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(_page(tmp_path).as_uri())
    WebDriverWait(browser, 20).until(lambda d: d.find_element(By.ID, "visible-count").text.endswith("facts shown"))
    evidence = browser.find_elements(By.CSS_SELECTOR, "[data-facts~='f2']")
    assert evidence and not any("ev-active" in e.get_attribute("class") for e in evidence)
    browser.find_element(By.CSS_SELECTOR, "tr.fact[data-fact='f2']").click()
    WebDriverWait(browser, 10).until(
        lambda d: all("ev-active" in e.get_attribute("class") for e in d.find_elements(By.CSS_SELECTOR, "[data-facts~='f2']")))
    assert "".join(e.text for e in evidence) == "谷歌母公司Alphabet计划2025年资本支出750亿至800亿美元。"
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-facts~='f1'].ev-active")
    with pytest.raises(NoAlertPresentException):
        _ = browser.switch_to.alert.text  # the hostile article ran no script
    screenshot = tmp_path / "review.png"
    assert browser.save_screenshot(str(screenshot))
    print(f"review page screenshot: {screenshot}")
    assert _severe(browser) == []


def test_filters_hide_rows_and_articles(browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(_page(tmp_path).as_uri())

    def visible():
        return [r.get_attribute("data-fact") for r in browser.find_elements(By.CSS_SELECTOR, "tr.fact")
                if r.is_displayed()]

    assert visible() == ["f1", "f2", "f3"]
    Select(browser.find_element(By.ID, "filter-status")).select_by_value("actual")
    assert visible() == ["f3"]
    Select(browser.find_element(By.ID, "filter-status")).select_by_value("")
    Select(browser.find_element(By.ID, "filter-company")).select_by_visible_text("Alphabet")
    assert visible() == ["f2"]
    assert not browser.find_element(By.ID, "d1").is_displayed()
    Select(browser.find_element(By.ID, "filter-company")).select_by_value("")
    browser.execute_script("const s = document.getElementById('filter-confidence'); s.value = '0.65';"
                           "s.dispatchEvent(new Event('input'));")
    assert visible() == ["f1"]
    assert browser.find_element(By.ID, "confidence-value").text == "0.65"
    assert _severe(browser) == []

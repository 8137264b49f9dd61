"""The analysts' workflow in a real browser (headless Chromium through Selenium).

Skipped, with the reason printed, where Debian's chromium and chromium-driver are not installed;
`.ci/run` installs them. Screenshots go to ``artifacts/screenshots/``.
"""

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group

from exercises.models import Exercise
from exercises.roles import ANALYST

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
PASSWORD = "a-long-browser-password"

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)),
        reason=f"browser tests need Debian's chromium and chromium-driver ({CHROMIUM}, {CHROMEDRIVER})",
    ),
    pytest.mark.django_db(transaction=True),
]

from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402


@pytest.fixture
def seeded(fixtures_loaded, make_user):
    """The fixtures, and two analysts."""
    for name in ("alice", "bob"):
        user = make_user(name, password=PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name=ANALYST))


@pytest.fixture
def browsers():
    """Starts headless Chromium sessions on demand; closes them all afterwards."""
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    os.environ["SE_OFFLINE"] = "true"
    started, profiles = [], []

    def start():
        profile = tempfile.mkdtemp(prefix="chromium-profile-")
        options = Options()
        options.binary_location = CHROMIUM
        for argument in [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--window-size=1440,1100",
        ]:
            options.add_argument(argument)
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        driver.implicitly_wait(2)
        started.append(driver)
        profiles.append(profile)
        return driver

    yield start
    for driver in started:
        driver.quit()
    for profile in profiles:
        shutil.rmtree(profile, ignore_errors=True)


def wait(driver, condition, timeout=15):
    """Wait for ``condition``; on a timeout keep a screenshot and the page's errors for the report."""
    from selenium.common.exceptions import TimeoutException

    try:
        return WebDriverWait(driver, timeout).until(condition)
    except TimeoutException:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(SCREENSHOTS / "failure.png"))
        (SCREENSHOTS / "failure.html").write_text(driver.page_source)
        errors = [
            f"{e.find_element(By.XPATH, '../..').get_attribute('class')}: {e.text}"
            for e in driver.find_elements(By.CSS_SELECTOR, ".errorlist, .errornote")
            if e.text
        ]
        raise AssertionError(f"timed out on {driver.current_url}; errors on the page: {errors}") from None


def log_in(driver, live_server, username):
    driver.get(f"{live_server.url}/admin/login/")
    driver.find_element(By.NAME, "username").send_keys(username)
    driver.find_element(By.NAME, "password").send_keys(PASSWORD + Keys.ENTER)
    wait(driver, EC.presence_of_element_located((By.ID, "user-tools")))


def choose(driver, container, text):
    """Pick ``text`` in the select2 autocomplete inside ``container``."""
    container.find_element(By.CSS_SELECTOR, ".select2-selection").click()
    search = wait(driver, EC.visibility_of_element_located((By.CSS_SELECTOR, ".select2-container--open input")))
    search.send_keys(text)
    found = (By.XPATH, f"//li[contains(@class,'select2-results__option') and contains(., '{text}')]")
    # select2 redraws its results as each keystroke's answer arrives: an option found in an earlier
    # answer can be gone by the click. Find it again until the click lands.
    for _ in range(5):
        try:
            wait(driver, EC.element_to_be_clickable(found)).click()
            break
        except StaleElementReferenceException:
            continue
    wait(driver, lambda d: text in container.find_element(By.CSS_SELECTOR, ".select2-selection").text)


def add_row(driver, group_id):
    """Click the inline's 'Add another' link; return the new row."""
    group = driver.find_element(By.ID, group_id)
    before = len(group.find_elements(By.CSS_SELECTOR, ".dynamic-" + group_id.removesuffix("-group")))
    link = group.find_element(By.CSS_SELECTOR, ".add-row a")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", link)
    link.click()
    rows = group.find_elements(By.CSS_SELECTOR, ".dynamic-" + group_id.removesuffix("-group"))
    assert len(rows) == before + 1
    return rows[-1]


def screenshot(driver, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return document.body.scrollHeight")
    driver.set_window_size(1440, min(max(height, 900), 6000))
    driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))
    driver.set_window_size(1440, 1100)


def save(driver):
    button = driver.find_element(By.NAME, "_continue")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    button.click()


def test_analyst_creates_finds_edits_and_reviews_history_of_an_exercise(seeded, live_server, browsers):
    driver = browsers()
    log_in(driver, live_server, "alice")
    driver.get(f"{live_server.url}/admin/exercises/exercise/add/")

    driver.find_element(By.ID, "id_name").send_keys("Steppe Shield 2024")
    driver.find_element(By.ID, "id_start_date").send_keys("2024-06-10")
    Select(driver.find_element(By.ID, "id_start_precision")).select_by_value("day")
    driver.find_element(By.ID, "id_end_date").send_keys("2024-06")
    Select(driver.find_element(By.ID, "id_end_precision")).select_by_value("month")
    driver.find_element(By.ID, "id_end_date").clear()
    driver.find_element(By.ID, "id_end_date").send_keys("2024-06-01")
    choose(driver, driver.find_element(By.CSS_SELECTOR, ".field-organisation"), "CSTO")

    for state, role in [("Kazakhstan", "host"), ("Kyrgyzstan", "participant")]:
        row = add_row(driver, "participations-group")
        choose(driver, row.find_element(By.CSS_SELECTOR, ".field-state"), state)
        Select(row.find_element(By.CSS_SELECTOR, "[name$='-role']")).select_by_value(role)

    figure = add_row(driver, "troop_figures-group")
    figure.find_element(By.CSS_SELECTOR, "[name$='-low']").send_keys("3000")
    figure.find_element(By.CSS_SELECTOR, "[name$='-high']").send_keys("3000")
    figure.find_element(By.CSS_SELECTOR, "[name$='-is_reported']").click()
    choose(driver, figure.find_element(By.CSS_SELECTOR, ".field-cite_source"), "Moscow Strives")
    figure.find_element(By.CSS_SELECTOR, "[name$='-cite_excerpt']").send_keys("3,000 troops")

    scenario = add_row(driver, "scenarios-group")
    scenario.find_element(By.CSS_SELECTOR, "[name$='-title']").send_keys("Militants seize a border post")
    Select(scenario.find_element(By.CSS_SELECTOR, "[name$='-threat_type']")).select_by_value("terrorism")
    choose(driver, scenario.find_element(By.CSS_SELECTOR, ".field-cite_source"), "Moscow Strives")
    scenario.find_element(By.CSS_SELECTOR, "[name$='-cite_excerpt']").send_keys("militants seize a post")
    save(driver)

    wait(driver, EC.presence_of_element_located((By.CSS_SELECTOR, ".messagelist .success")))
    created = Exercise.objects.get(name="Steppe Shield 2024")
    assert created.slug == "steppe-shield-2024"
    assert set(created.participations.values_list("state__alpha2", "role")) == {("KZ", "host"), ("KG", "participant")}
    assert created.reported_troops == 3000
    assert created.scenarios.get().citations.get().source.key == "kucera-2011-csto-vision"

    # Find it with the change-list filters: a typed country and a threat type.
    driver.get(f"{live_server.url}/admin/exercises/exercise/")
    box = driver.find_element(By.CSS_SELECTOR, "form.input-filter input[name=country]")
    box.send_keys("KZ" + Keys.ENTER)
    wait(driver, EC.url_contains("country=KZ"))
    driver.find_element(By.LINK_TEXT, "Terrorism").click()
    wait(driver, EC.url_contains("threat=terrorism"))
    rows = driver.find_elements(By.CSS_SELECTOR, "#result_list tbody tr")
    assert [r.find_element(By.CSS_SELECTOR, "th a").text for r in rows] == ["Steppe Shield 2024"]
    driver.get(f"{live_server.url}/admin/exercises/exercise/?country=KZ")
    screenshot(driver, "exercise-changelist")

    # Edit it.
    driver.get(f"{live_server.url}/admin/exercises/exercise/{created.pk}/change/")
    driver.find_element(By.ID, "id_description").send_keys("A CSTO counter-terrorism drill.")
    save(driver)
    wait(driver, EC.presence_of_element_located((By.CSS_SELECTOR, ".messagelist .success")))
    created.refresh_from_db()
    assert created.description == "A CSTO counter-terrorism drill."
    screenshot(driver, "exercise-change-form")

    # See its history: who changed what.
    driver.find_element(By.LINK_TEXT, "HISTORY").click()
    wait(driver, EC.presence_of_element_located((By.ID, "change-history")))
    page = driver.find_element(By.ID, "content").text
    assert "alice" in page and "Description" in page
    screenshot(driver, "exercise-history")


def test_second_of_two_analysts_saving_the_same_exercise_is_refused_and_nothing_is_lost(seeded, live_server, browsers):
    alice, bob = browsers(), browsers()
    log_in(alice, live_server, "alice")
    log_in(bob, live_server, "bob")
    tsentr = Exercise.objects.get(slug="tsentr-2011")
    url = f"{live_server.url}/admin/exercises/exercise/{tsentr.pk}/change/"
    alice.get(url)
    bob.get(url)

    alice.find_element(By.ID, "id_series").send_keys("Tsentr")
    save(alice)
    wait(alice, EC.presence_of_element_located((By.CSS_SELECTOR, ".messagelist .success")))

    description = bob.find_element(By.ID, "id_description")
    description.clear()
    description.send_keys("Bob's reading of the exercise.")
    save(bob)
    error = wait(bob, EC.presence_of_element_located((By.CSS_SELECTOR, ".errornote, .errorlist.nonfield")))
    page = bob.find_element(By.ID, "content").text
    assert "changed by alice" in page and "Series" in page
    assert bob.find_element(By.ID, "id_description").get_attribute("value") == "Bob's reading of the exercise."
    assert error.is_displayed()
    screenshot(bob, "exercise-conflict")

    tsentr.refresh_from_db()
    assert tsentr.series == "Tsentr"
    assert tsentr.description != "Bob's reading of the exercise."

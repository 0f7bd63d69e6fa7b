"""The sandbox page in headless Chromium (Debian's package, driven by Playwright): the adopt flow by clicking,
with screenshots saved under artifacts/."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Locator, Page, async_playwright, expect

from bot.terraform.plugins import find_plugin_dir
from sandbox.app import Running
from tests.sandbox_app.conftest import ARTIFACTS

pytestmark = pytest.mark.asyncio(loop_scope="module")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
VIEWPORT = {"width": 1600, "height": 1000}
# More modules than a static select holds, so the Adopt form's module input is an external select with search.
MANY_MODULES = [".", "module.storage", "module.compute", *(f"module.team_{n:03d}" for n in range(100))]


@pytest.fixture(scope="module")
def sandbox_env() -> dict[str, str]:
    return {"TFSYNC_TARGET_MODULES": json.dumps(MANY_MODULES)}


@pytest.fixture(scope="module")
def chromium() -> Path:
    """Debian's chromium; Playwright never downloads a browser here."""
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is not installed: `bin/dev test` installs it when run as root, or "
                    "`apt-get install chromium`")
    return CHROMIUM


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def browser(chromium: Path) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


@pytest_asyncio.fixture(loop_scope="module")
async def page(browser: Browser, sandbox: Running) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
    opened = await context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    await opened.goto(sandbox.url)
    await expect(opened.locator("body")).to_have_attribute("data-ready", "true")
    yield opened
    await context.close()
    assert errors == [], errors


async def shot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    await page.screenshot(path=str(path))
    return path


def message_with(page: Page, text: str) -> Locator:
    return page.locator("#messages [data-testid=message]").filter(has_text=text)


async def test_adopt_by_clicking(page: Page, sandbox: Running) -> None:
    await page.select_option("[data-testid=clickops-type]", "aws_s3_bucket")
    await page.fill("[data-testid=clickops-name]", "browser-logs")
    await page.select_option("[data-testid=clickops-actor]", "dev@example.com")
    await page.click("[data-testid=clickops-create]")
    await expect(page.locator("[data-testid=clickops-log]")).to_contain_text("browser-logs")

    message = message_with(page, "browser-logs").first
    await expect(message).to_contain_text("was created outside Terraform", timeout=20_000)
    await expect(message).to_contain_text("@Dana Developer")
    await message.get_by_role("button", name="Adopt").click()

    modal = page.locator("[data-testid=modal]")
    await expect(modal).to_contain_text("Adopt resource")
    opened = sandbox.emulator.modal("alice")
    assert opened is not None
    kinds = {b["block_id"]: b["element"]["type"] for b in opened.blocks if b["type"] == "input"}
    assert kinds["tfsync-module-input"] == "external_select"
    name = modal.locator("input.bk-input").first
    await name.fill("9 bad name")
    await modal.locator("[data-testid=modal-submit]").click()
    # tfsync answers with response_action errors; the page shows them under the input, as Slack does.
    await expect(modal.locator(".has-error .bk-error")).to_contain_text("letters")
    await shot(page, "sandbox-adopt-validation")

    await name.fill("browser_logs")
    await modal.locator("[data-action-id=tfsync-module-select]").click()
    # The options come from tfsync as the person types (block_suggestion), not from the view.
    await modal.locator(".bk-menu-search").fill("stor")
    option = modal.locator(".bk-menu-item", has_text="module.storage")
    await expect(option).to_be_visible()
    await expect(modal.locator(".bk-menu-item", has_text="module.compute")).to_have_count(0)
    await shot(page, "sandbox-adopt-select")
    await option.click()
    await expect(modal.locator("[data-action-id=tfsync-module-select]")).to_contain_text("module.storage")
    await shot(page, "sandbox-adopt-modal")
    await modal.locator("[data-testid=modal-submit]").click()
    await expect(modal.locator("[data-testid=modal-submit]")).to_have_count(0)
    if await modal.count():
        await page.keyboard.press("Escape")

    await message.locator("[data-testid=open-thread]").click()
    thread = page.locator("[data-testid=thread]")
    if find_plugin_dir() is None:
        # No provider to plan with here: the thread says the code was committed, not verified.
        await expect(thread).to_contain_text("not verified", timeout=60_000)
    else:
        # A real plan against the embedded AWS: each step's reply, then the plan summary with the verdict.
        await expect(thread).to_contain_text("Adopted", timeout=60_000)
        await expect(thread).to_contain_text("Plan: 1 to import, 0 to add, 0 to change, 0 to destroy")
        await expect(thread).to_contain_text("gate")
    await expect(page.locator("[data-testid=git-log]")).to_contain_text("browser_logs", timeout=20_000)
    await expect(message).to_contain_text(re.compile(r"adopted", re.IGNORECASE))
    path = await shot(page, "sandbox-adopt-thread")
    assert path.stat().st_size > 50_000


async def test_delete_asks_for_confirmation_first(page: Page) -> None:
    await page.select_option("[data-testid=clickops-type]", "aws_sqs_queue")
    await page.fill("[data-testid=clickops-name]", "confirm-me")
    await page.click("[data-testid=clickops-create]")
    message = message_with(page, "confirm-me").first
    await expect(message).to_contain_text("was created outside Terraform", timeout=20_000)
    await message.get_by_role("button", name="Delete").click()
    dialog = page.locator("[role=alertdialog]")
    await expect(dialog).to_contain_text("Delete this SQS queue?")
    await shot(page, "sandbox-delete-confirm")
    await dialog.get_by_role("button", name="Cancel").click()
    await expect(dialog).to_have_count(0)
    await expect(page.locator("[data-testid=modal]")).to_have_count(0)
    await message.get_by_role("button", name="Delete").click()
    await page.locator("[data-testid=confirm-ok]").click()
    await expect(page.locator("[data-testid=modal]")).to_contain_text("Delete resource")
    await page.keyboard.press("Escape")


async def test_slash_command_and_app_home(page: Page) -> None:
    await page.fill("[data-testid=composer]", "/tfsync list")
    await page.press("[data-testid=composer]", "Enter")
    await expect(page.locator(".message-ephemeral").last).to_contain_text("Only visible to you")
    await shot(page, "sandbox-command")
    await page.click("[data-testid=app-home]")
    await expect(page.locator("[data-testid=home]")).to_contain_text("tfsync", timeout=10_000)
    await expect(page.locator("[data-testid=home] .bk-button").first).to_be_visible()
    await shot(page, "sandbox-home")


HOSTILE = '<img src=x onerror="window.pwned=1">'
SHOWCASE_TEXT = (
    "*bold* _italic_ ~strike~ `code` <https://example.com/docs|the docs> <@{user}> "
    "<!date^1767225600^{{date_short}}|Jan 1, 2026> &lt;!channel&gt; "
    + HOSTILE.replace("<", "&lt;").replace(">", "&gt;")
)


async def test_block_kit_and_mrkdwn_render_safely(page: Page, sandbox: Running) -> None:
    workspace = sandbox.emulator.workspace
    alice = workspace.user("alice").id
    channel = workspace.channel("platform").id
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Block Kit showcase :tada:"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": SHOWCASE_TEXT.format(user=alice)},
         "accessory": {"type": "image", "image_url": sandbox.url + "/static/tfsync.svg", "alt_text": "tfsync"}},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": "*Field one*\nvalue"},
                                       {"type": "plain_text", "text": HOSTILE}]},
        {"type": "divider"},
        {"type": "section", "text": {"type": "mrkdwn", "text": "```resource \"aws_s3_bucket\" \"x\" {}```"}},
        {"type": "image", "image_url": sandbox.url + "/static/tfsync.svg", "alt_text": "logo",
         "title": {"type": "plain_text", "text": "An image block"}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "context :white_check_mark:"}]},
        {"type": "actions", "elements": [
            {"type": "button", "action_id": "showcase-primary", "style": "primary",
             "text": {"type": "plain_text", "text": "Primary"}},
            {"type": "button", "action_id": "showcase-danger", "style": "danger",
             "text": {"type": "plain_text", "text": "Danger"}},
        ]},
    ]
    await sandbox.emulator.web_client().chat_postMessage(channel=channel, text="showcase", blocks=blocks)
    await page.click("[data-testid=channel-platform]")
    message = message_with(page, "Block Kit showcase")
    await expect(message).to_be_visible(timeout=10_000)
    await expect(message.locator(".bk-header")).to_have_text("Block Kit showcase \U0001F389")
    await expect(message.locator("b", has_text="bold")).to_have_count(1)
    await expect(message.locator("i", has_text="italic")).to_have_count(1)
    await expect(message.locator("s", has_text="strike")).to_have_count(1)
    await expect(message.locator("code.inline-code", has_text="code")).to_have_count(1)
    link = message.locator("a.link", has_text="the docs")
    await expect(link).to_have_attribute("href", "https://example.com/docs")
    await expect(message.locator(".mention", has_text="@Alice Adams")).to_have_count(1)
    await expect(message.locator(".date")).to_have_text("Jan 1, 2026")
    await expect(message.locator("pre.code-block")).to_contain_text('resource "aws_s3_bucket" "x" {}')
    await expect(message.locator(".bk-primary")).to_have_text("Primary")
    await expect(message.locator(".bk-danger")).to_have_text("Danger")
    await expect(message.locator("hr.bk-divider")).to_have_count(1)
    # Text from outside stays text: the escaped tag shows as characters, and no element is made from it.
    await expect(message).to_contain_text(HOSTILE)
    await expect(message.locator("img[src=x]")).to_have_count(0)
    await expect(message).to_contain_text("<!channel>")
    assert await page.evaluate("window.pwned === undefined")
    await expect(message.locator("img.bk-image-img")).to_have_attribute("alt", "logo")
    await shot(page, "sandbox-blockkit")

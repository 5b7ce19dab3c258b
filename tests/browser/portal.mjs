// Drives Debian's chromium (headless) through the govlab portal, as a
// startup, lab staff and an investor, at desktop and phone width. Started by
// run.sh, which serves the portal (with an evaluation key) and passes what
// it needs in the environment: GOVLAB_URL, GOVLAB_BIN, STARTUP_TOKEN,
// STAFF_TOKEN, INVESTOR_TOKEN, SCAFFOLD_WASM (the README's `govlab agent
// new` + `build`) and AGENT_WASM (a competent agent, the second version).
// Screenshots go to artifacts/.

import { chromium } from "playwright-core";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const artifacts = join(here, "artifacts");
mkdirSync(artifacts, { recursive: true });

function need(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run tests/browser/run.sh)`);
  return value;
}
const base = need("GOVLAB_URL").replace(/\/$/, "");
const startupToken = need("STARTUP_TOKEN");
const investorToken = need("INVESTOR_TOKEN");
const staffToken = need("STAFF_TOKEN");
const govlab = need("GOVLAB_BIN");
const scaffoldWasm = need("SCAFFOLD_WASM");
const agentWasm = need("AGENT_WASM");
const agentName = `bt-${Date.now().toString(36)}`;
const pilotTimeoutMs = Number(process.env.PILOT_TIMEOUT_MS || 240000);

const desktop = { viewport: { width: 1280, height: 900 } };
const phone = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

// Script errors and Content-Security-Policy refusals fail the test.
const pageErrors = [];
function watch(page) {
  page.on("pageerror", (err) => pageErrors.push(`${page.url()}: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error" && /Content.Security.Policy|Refused to/i.test(msg.text())) {
      pageErrors.push(`${page.url()}: ${msg.text()}`);
    }
  });
  return page;
}

let step = 0;
async function shot(page, name) {
  step += 1;
  const file = join(artifacts, `${String(step).padStart(2, "0")}-${name}.png`);
  // A page may reload itself while it is captured (the pilot page does when
  // its pilot ends): wait for the new page and take the picture again.
  for (let attempt = 1; ; attempt += 1) {
    try {
      await page.screenshot({ path: file, fullPage: true, timeout: 20000 });
      break;
    } catch (err) {
      if (attempt >= 3) throw err;
      console.log(`  screenshot ${name}: retrying after ${err.message.split("\n")[0]}`);
      await page.waitForLoadState("load").catch(() => {});
    }
  }
  console.log(`  screenshot ${file}`);
}

function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

async function login(page, token) {
  await page.goto(`${base}/login`);
  await page.fill('input[name="token"]', token);
  await Promise.all([
    page.waitForURL((url) => !url.pathname.startsWith("/login")),
    page.click('form[action="/login"] button[type="submit"]'),
  ]);
}

// The document must not scroll sideways at phone width: wide tables scroll
// inside their own wrapper.
async function fitsWidth(page, label) {
  const { scroll, width } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
  }));
  check(scroll <= width + 1, `${label}: page is ${scroll}px wide in a ${width}px window`);
}

async function waitForPilot(page) {
  // The running page reloads itself when the pilot's events say it ended;
  // waitForSelector keeps polling across that navigation. A reload of our
  // own every 10 s is the backstop.
  const deadline = Date.now() + pilotTimeoutMs;
  for (;;) {
    try {
      await page.waitForSelector("section.scorecard, .status .st-failed", { timeout: 10000 });
      break;
    } catch (err) {
      check(Date.now() < deadline, "the pilot did not finish in time");
      await page.reload().catch(() => {});
    }
  }
  await page.waitForLoadState("load");
  const failed = await page.locator(".status .st-failed").count();
  check(!failed, `the pilot failed: ${await page.locator(".status").innerText()}`);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
});
let pilotUrl;
let agentUrl;
try {
  console.log("startup: sign in, register an agent, upload, practice pilot");
  {
    const context = await browser.newContext(desktop);
    const page = watch(await context.newPage());
    await login(page, startupToken);
    await page.goto(`${base}/agents`);
    await page.fill("#a-name", agentName);
    await page.selectOption("#a-scenario", "appeals-triage");
    await page.fill("#a-description", "Browser test agent");
    await shot(page, "agents-register");
    await Promise.all([
      page.waitForURL(/\/agents\/[0-9a-f]+$/),
      page.click('form[action="/agents"] button[type="submit"]'),
    ]);
    agentUrl = page.url();
    check((await page.locator("h1").innerText()).includes(agentName), "agent page shows the name");

    // A non-wasm file first: refused in words, notes kept.
    await page.click('a[href$="/upload"]');
    await page.setInputFiles("#u-file", { name: "not-an-agent.wasm", mimeType: "application/wasm", buffer: Buffer.from("hello") });
    await page.fill("#u-notes", "keep these notes");
    await page.click('form[enctype="multipart/form-data"] button[type="submit"]');
    await page.waitForSelector("#upload-error");
    check((await page.inputValue("#u-notes")) === "keep these notes", "notes kept after a refusal");
    await shot(page, "upload-refused");

    await page.setInputFiles("#u-file", scaffoldWasm);
    await page.fill("#u-notes", "the scaffold of govlab agent new");
    await Promise.all([
      page.waitForURL(agentUrl),
      page.click('form[enctype="multipart/form-data"] button[type="submit"]'),
    ]);
    check(await page.locator("article.version").count() === 1, "one version listed");
    await page.fill('article.version input[name="cases"]', "200");
    await shot(page, "agent-with-version");
    await Promise.all([
      page.waitForURL(/\/pilots\/[0-9a-f]+$/),
      page.click('article.version form[action$="/pilots"] button[type="submit"]'),
    ]);
    pilotUrl = page.url();
    // The running page shows a progress bar (so does the finished page it
    // may already have reloaded into).
    await page.waitForSelector("progress", { timeout: 20000 });
    await shot(page, "pilot-running");
    await waitForPilot(page);
    check(await page.locator("section.certificate").count() === 1, "certificate shown");
    await shot(page, "pilot-done");
    await page.click('a[href$="/verify"]');
    check((await page.locator(".verdict").innerText()).includes("valid"), "certificate verifies");
    check(await page.locator(".verdict.valid").count() === 1, "verdict is valid");
    await shot(page, "verify");

    // A better version, submitted for review from the command line as the
    // README says; the agent page then shows it waiting for the lab.
    const submitted = execFileSync(govlab, [
      "submit", agentWasm, "--portal", base, "--name", agentName,
      "--token", startupToken, "--for-review", "--notes", "the competent reference agent",
    ], { encoding: "utf8" });
    console.log(`  govlab submit: ${submitted.trim().split("\n").join(" | ")}`);
    check(/submitted version 2 for the lab's review/.test(submitted), "submit --for-review submitted v2");
    await page.goto(agentUrl);
    check(await page.locator("article.version").count() === 2, "two versions listed");
    check(await page.locator("article.version .vs-submitted").count() === 1, "v2 waits for review");
    await shot(page, "submitted-for-review");
    await context.close();
  }

  console.log("staff: approve from the review queue, run the evaluation pilot");
  let evalUrl;
  {
    const context = await browser.newContext(desktop);
    const page = watch(await context.newPage());
    await login(page, staffToken);
    await page.goto(`${base}/staff`);
    const row = page.locator("#queue tr", { hasText: `${agentName} v2` });
    check(await row.count() === 1, "v2 is in the review queue");
    await shot(page, "staff-queue");
    await Promise.all([
      page.waitForURL(/\/staff#queue$/),
      row.locator('button[value="approve"]').click(),
    ]);
    check(await page.locator("#queue tr", { hasText: `${agentName} v2` }).count() === 0, "approved: out of the queue");
    await page.goto(agentUrl);
    check(await page.locator(".no-eval-key").count() === 0, "the portal has its evaluation key");
    await Promise.all([
      page.waitForURL(/\/pilots\/[0-9a-f]+$/),
      page.click('form:has(input[name="split"][value="evaluation"]) button[type="submit"]'),
    ]);
    evalUrl = page.url();
    await waitForPilot(page);
    check(await page.locator("section.certificate").count() === 1, "evaluation certificate shown");
    await shot(page, "evaluation-pilot-done");
    await context.close();
  }

  console.log("investor: sign in, scoreboard (desktop and Spanish)");
  {
    const context = await browser.newContext(desktop);
    const page = watch(await context.newPage());
    await login(page, investorToken);
    await page.goto(`${base}/scoreboard?scenario=appeals-triage&split=practice`);
    check(await page.locator(`table.scoreboard >> text=${agentName}`).count() >= 1, "the agent is on the scoreboard");
    check(await page.locator("svg.spark").count() >= 1, "trend sparkline");
    await shot(page, "scoreboard");
    await page.click('nav.langs a[hreflang="es"]');
    check((await page.getAttribute("html", "lang")) === "es", "Spanish chosen");
    check((await page.locator("h1").innerText()).includes("Clasificación"), "Spanish heading");
    await shot(page, "scoreboard-es");
    await page.goto(pilotUrl);
    check(await page.locator("section.scorecard").count() === 1, "investor sees the scorecard");

    // The landing scoreboard opens on the evaluation split, now that it has
    // a result, in Kazakh and in Russian.
    for (const [lang, heading] of [["kk", "Рейтинг"], ["ru", "Рейтинг"]]) {
      await page.goto(`${base}/?lang=${lang}`);
      check((await page.getAttribute("html", "lang")) === lang, `${lang} chosen`);
      check((await page.locator("h1").innerText()).includes(heading), `${lang} heading`);
      check(await page.locator(`table.scoreboard >> text=${agentName}`).count() >= 1, `${lang}: the agent is on the evaluation board`);
      check(await page.locator('#f-split option[value="evaluation"][selected]').count() === 1, `${lang}: evaluation split shown`);
      await shot(page, `scoreboard-${lang}`);
    }

    // Download the evaluation scorecard and verify it with the lab key the
    // portal publishes, as the pilot page says.
    await page.goto(`${evalUrl}?lang=en`);
    check((await page.locator("section.certificate").innerText()).includes("govlab verify scorecard.json --portal"), "the pilot page says how to verify");
    const card = await page.request.get(`${evalUrl}/scorecard.json`);
    check(card.ok(), `scorecard download: HTTP ${card.status()}`);
    const cardFile = join(artifacts, "evaluation.scorecard.json");
    writeFileSync(cardFile, await card.body());
    const verified = execFileSync(govlab, ["verify", cardFile, "--portal", base], { encoding: "utf8" });
    console.log(`  govlab verify: ${verified.trim()}`);
    check(/^genuine: appeals-triage .* split evaluation /.test(verified), "the downloaded scorecard verifies");
    await context.close();
  }

  console.log("phone width 360x740: scoreboard, pilot, agents");
  {
    const context = await browser.newContext(phone);
    const page = watch(await context.newPage());
    await login(page, investorToken);
    await page.goto(`${base}/scoreboard?scenario=appeals-triage&split=practice&lang=en`);
    await fitsWidth(page, "scoreboard");
    await shot(page, "phone-scoreboard");
    await page.goto(pilotUrl);
    await fitsWidth(page, "pilot");
    await shot(page, "phone-pilot");
    await context.close();

    const startup = await browser.newContext(phone);
    const startupPage = watch(await startup.newPage());
    await login(startupPage, startupToken);
    await startupPage.goto(`${base}/agents`);
    await fitsWidth(startupPage, "agents");
    await shot(startupPage, "phone-agents");
    await startup.close();
  }
  check(pageErrors.length === 0, `errors in the pages:\n${pageErrors.join("\n")}`);
  console.log("browser test passed");
} catch (err) {
  console.error(`browser test FAILED: ${err.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}

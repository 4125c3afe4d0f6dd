// Browser end-to-end test: `wattfolio serve` on loopback over a cache synced
// from the simulated vendors, driven by Playwright with Debian's chromium.
// Usage: node browser.mjs [path/to/wattfolio]   (make e2e builds and runs it)
// Screenshots go to out/e2e/; exits 1 if any check fails.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const bin = resolve(process.argv[2] || join(root, "wattfolio"));
const outDir = join(root, "out", "e2e");
mkdirSync(outDir, { recursive: true });
const work = mkdtempSync(join(tmpdir(), "wattfolio-e2e-"));
const CONTRACTS = 300; // simulated enneo contracts
let TOTAL = 0;          // all simulated sources together, from the sync summary

let passed = 0, failed = 0;
const children = [];

async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok    ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL  ${name}: ${e && e.message ? e.message.split("\n")[0] : e}`);
  }
}
function assert(ok, msg) { if (!ok) throw new Error(msg); }

// start runs a wattfolio command and resolves with the first stdout line
// matching re.
function start(args, re, env) {
  return new Promise((resolveLine, reject) => {
    const p = spawn(bin, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    children.push(p);
    let buf = "", errBuf = "";
    const timer = setTimeout(() => reject(new Error(`${args[0]} did not start: ${buf}${errBuf}`)), 20000);
    p.stdout.on("data", (d) => {
      buf += d;
      const m = buf.match(re);
      if (m) { clearTimeout(timer); resolveLine(m); }
    });
    p.stderr.on("data", (d) => { errBuf += d; });
    p.on("exit", (code) => { clearTimeout(timer); reject(new Error(`${args[0]} exited ${code}: ${errBuf}`)); });
  });
}

// parseCSV reads RFC 4180 CSV (quoted fields, CRLF).
function parseCSV(text) {
  const rows = []; let row = [], field = "", q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') q = false;
      else field += c;
    } else if (c === '"') q = true;
    else if (c === ",") { row.push(field); field = ""; }
    else if (c === "\n") { row.push(field.replace(/\r$/, "")); rows.push(row); row = []; field = ""; }
    else field += c;
  }
  if (field !== "" || row.length) { row.push(field); rows.push(row); }
  return rows;
}

let browser;
try {
  // Simulated vendors, a synced cache, and the app on a free loopback port.
  const config = join(work, "sources.toml");
  const cache = join(work, "cache.db");
  // sim prints the credentials to export (export NAME=VALUE lines), then a
  // line ending in "Ctrl-C stops it".
  const simM = await start(["sim", "--addr", "127.0.0.1:0", "--contracts", String(CONTRACTS), "--seed", "5", "--write-config", config],
    /^[\s\S]*Ctrl-C stops it/);
  const simBase = (simM[0].match(/(http:\/\/127\.0\.0\.1:\d+)\//) || [])[1];
  if (!simBase) throw new Error(`no simulator address in: ${simM[0]}`);
  const env = {};
  for (const m of simM[0].matchAll(/export (\w+)=(\S+)/g)) env[m[1]] = m[2];
  // Every simulated source's contracts: the sum of the sync summary's STORED column.
  const summary = execFileSync(bin, ["sync", "--config", config, "--db", cache], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] }).toString();
  const lines = summary.split("\n");
  const head = lines.findIndex((l) => /^SOURCE\s+STATUS\s+STORED/.test(l));
  TOTAL = lines.slice(head + 1).filter((l) => l.trim()).reduce((n, l) => n + Number(l.trim().split(/\s+/)[2] || 0), 0);
  if (head < 0 || !(TOTAL > 0)) throw new Error(`sync summary without stored counts:\n${summary}`);
  // serve prints the address to open with this launch's token; opening it
  // sets the cookie every later request carries.
  const serveM = await start(["serve", "--db", cache, "--config", config, "--addr", "127.0.0.1:0"],
    /serving on ((http:\/\/127\.0\.0\.1:\d+\/)\?token=\S+)/, env);
  const [, opened, base] = serveM;

  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  const page = await context.newPage();
  const external = [];
  page.on("request", (r) => { if (!r.url().startsWith(base) && !r.url().startsWith("data:")) external.push(r.url()); });
  const shot = (name) => page.screenshot({ path: join(outDir, name), fullPage: false });

  await check("without the printed token the app answers 401 and says how to open it", async () => {
    const res = await page.goto(base);
    assert(res.status() === 401, `status ${res.status()} without the token`);
    assert((await page.locator("body").innerText()).includes("?token="), "the 401 page does not show how to open the app");
  });

  await check("the portfolio lists every cached contract", async () => {
    await page.goto(opened);
    assert(page.url() === base, `the printed address left the token in ${page.url()}`);
    assert((await page.locator("h1").innerText()) === "Portfolio", "no Portfolio heading");
    const lede = await page.locator(".lede").innerText();
    assert(Number((lede.match(/^([\d.]+) contracts in the cache/) || [])[1]?.replace(/\./g, "")) === TOTAL, `lede: ${lede}, synced ${TOTAL}`);
    assert((await page.locator("table.grid tbody tr").count()) === 50, "not 50 rows on the first page");
    await shot("browser-1-portfolio.png");
  });

  await check("numbers are right-aligned in German format by default", async () => {
    const cell = page.locator("table.grid tbody tr td.num").nth(2); // working price
    assert((await cell.evaluate((e) => getComputedStyle(e).textAlign)) === "right", "working price not right-aligned");
    const prices = (await page.locator("table.grid tbody tr td.num:nth-child(9)").allInnerTexts()).map((t) => t.trim()).filter((t) => t !== "—");
    assert(prices.length > 0 && prices.every((p) => /^\d{1,3}(\.\d{3})*,\d{2}$/.test(p)), `base prices ${prices.slice(0, 3)} are not German (1.234,56)`);
  });

  await check("the English number format switches and sticks", async () => {
    await page.getByRole("link", { name: "1,234.56" }).click();
    await page.waitForURL(/lang=en/);
    const prices = (await page.locator("table.grid tbody tr td.num:nth-child(9)").allInnerTexts()).map((t) => t.trim()).filter((t) => t !== "—");
    assert(prices.length > 0 && prices.every((p) => /^\d{1,3}(,\d{3})*\.\d{2}$/.test(p)), `base prices ${prices.slice(0, 3)} are not English (1,234.56)`);
    await page.goto(base + "contracts?sort=base_price&desc=1");
    await page.locator("table.grid tbody .row-link").first().click();
    const price = await page.locator("dt:text-is('Base price') + dd").innerText();
    assert(/^€\d{1,3}(,\d{3})*\.\d{2}\/year$/.test(price.trim()), `contract page base price ${price}`);
    await page.getByRole("link", { name: "1.234,56" }).click();
    await page.waitForURL(/lang=de/);
  });

  let activeTotal = 0;
  await check("filtering by status narrows the table to that status", async () => {
    await page.goto(base + "contracts");
    await page.selectOption("#f-status", "active");
    await Promise.all([page.waitForURL(/status=active/), page.getByRole("button", { name: "Apply" }).click()]);
    const lede = await page.locator(".lede").innerText();
    const m = lede.match(/([\d.]+) contracts? match the filters/);
    assert(m, `lede: ${lede}`);
    activeTotal = Number(m[1].replace(/\./g, ""));
    assert(activeTotal > 0 && activeTotal < TOTAL, `${activeTotal} active of ${TOTAL}`);
    const badges = await page.locator("table.grid tbody .badge").allInnerTexts();
    assert(badges.length > 0 && badges.every((b) => b === "Active"), `badges: ${[...new Set(badges)]}`);
    await shot("browser-2-filtered.png");
  });

  await check("the keyboard walks the table and opens a contract", async () => {
    await page.locator("h1").click();
    await page.keyboard.press("j");
    await page.keyboard.press("ArrowDown");
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.textContent.trim());
    const second = (await page.locator("table.grid tbody .row-link").nth(1).innerText()).trim();
    assert(focused === second, `focus on ${focused}, want the second row ${second}`);
    await page.keyboard.press("k");
    const first = (await page.locator("table.grid tbody .row-link").first().innerText()).trim();
    assert((await page.evaluate(() => document.activeElement.textContent.trim())) === first, "k did not go back up");
    await page.keyboard.press("ArrowDown");
    await Promise.all([page.waitForURL(/\/contracts\/\d+/), page.keyboard.press("Enter")]);
    assert((await page.locator("h1").innerText()).trim() === second, "Enter opened another contract");
    await page.goBack();
    await page.keyboard.press("/");
    assert(await page.evaluate(() => document.activeElement.id === "f-q"), "/ did not focus the search");
  });

  await check("a contract page shows its fields and the vendor's data", async () => {
    await page.goto(base + "contracts?status=active");
    const title = (await page.locator("table.grid tbody .row-link").first().innerText()).trim();
    await page.locator("table.grid tbody .row-link").first().click();
    await page.waitForURL(/\/contracts\/\d+/);
    assert((await page.locator("h1").innerText()).trim() === title, "wrong contract opened");
    assert(await page.locator("pre.json").isVisible(), "no vendor JSON");
    await page.getByRole("link", { name: "‹ Portfolio" }).click();
    await page.waitForURL(/status=active/);
    await page.goBack();
    await shot("browser-3-contract.png");
  });

  await check("an enneo contract's record hides the e-mail address until Show personal data", async () => {
    await page.goto(base + "contracts?vendor=enneo");
    await page.locator("table.grid tbody .row-link").first().click();
    await page.waitForURL(/\/contracts\/\d+/);
    const masked = await page.locator("pre.json").innerText();
    assert(/"email": "•••"/.test(masked) && !masked.includes("@"), "the e-mail address is shown unasked");
    await Promise.all([page.waitForURL(/personal=show/), page.getByRole("link", { name: "Show personal data" }).click()]);
    assert(/"email": "[^"]+@[^"]+"/.test(await page.locator("pre.json").innerText()), "Show personal data did not show the e-mail address");
    await Promise.all([page.waitForURL((u) => !u.searchParams.has("personal")), page.getByRole("link", { name: "Hide personal data" }).click()]);
    assert(!(await page.locator("pre.json").innerText()).includes("@"), "Hide personal data left the e-mail address shown");
  });

  await check("the CSV download has the filtered rows", async () => {
    await page.goto(base + "contracts?status=active");
    const [dl] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export CSV" }).click()]);
    const file = join(outDir, "browser-export.csv");
    await dl.saveAs(file);
    assert(/^wattfolio-contracts-\d{4}-\d{2}-\d{2}\.csv$/.test(dl.suggestedFilename()), `file name ${dl.suggestedFilename()}`);
    const rows = parseCSV(readFileSync(file, "utf8"));
    assert(rows[0][0] === "source" && rows[0].includes("status"), `header ${rows[0]}`);
    assert(rows.length - 1 === activeTotal, `${rows.length - 1} rows, the page said ${activeTotal}`);
    const st = rows[0].indexOf("status");
    assert(rows.slice(1).every((r) => r[st] === "active"), "a non-active row in the export");
  });

  await check("Sync now runs a sync and the page follows it to the end", async () => {
    await page.goto(base + "sync");
    const before = await page.locator("time").first().getAttribute("datetime");
    await page.getByRole("button", { name: "Sync now" }).click();
    await page.waitForSelector(".notice", { timeout: 10000 });
    // The page refreshes itself every two seconds until the run is done.
    await page.waitForFunction(() => !document.querySelector(".notice-info") && !document.querySelector("button[disabled]"), null, { timeout: 30000 });
    await page.waitForSelector(".badge-ok", { timeout: 10000 });
    const after = await page.locator("time").first().getAttribute("datetime");
    assert(after && after !== before, `last run started ${before}, still ${after}`);
    const fetched = (await page.locator("dt:text-is('Fetched') + dd").allInnerTexts()).reduce((n, t) => n + Number(t.replace(/\./g, "")), 0);
    assert(fetched === TOTAL, `fetched ${fetched} in all, synced ${TOTAL}`);
    await shot("browser-4-synced.png");
  });

  // Issue 10: offers, the comparison on one load curve, the savings view.
  const euroCents = (t) => { // "1.140,00" (German format) -> 114000
    const m = t.trim().match(/^(-?[\d.]+),(\d{2})/);
    assert(m, `not a German amount: ${t}`);
    return Number(m[1].replace(/\./g, "")) * 100 + Number(m[2]) * (m[1].startsWith("-") ? -1 : 1);
  };
  // costCell is the table cell of the row labelled label (year 1, the first
  // such row) in the column of the option named name.
  const costTable = () => page.locator("table.grid-compare:not(.grid-compare-terms)").first();
  const costCell = async (label, name) => {
    const heads = (await costTable().locator("thead th").allInnerTexts()).map((t) => t.trim());
    const col = heads.findIndex((t) => t.includes(name));
    assert(col > 0, `no column ${name} in ${heads}`);
    const row = costTable().locator("tbody tr", { has: page.locator(`th:text-matches("^${label}", "")`) }).first();
    return (await row.locator("th, td").nth(col).innerText()).trim();
  };
  const OFFER = "E2E Fix";
  let kwh = 0, compareURL = "";

  await check("an offer made in the form is listed", async () => {
    await page.goto(base + "offers");
    await page.getByRole("link", { name: "New offer" }).click();
    await page.waitForURL(/\/offers\/new$/);
    await page.fill("#o-name", OFFER);
    await page.fill("#o-supplier", "E2E Energie GmbH");
    await page.selectOption("#o-commodity", "electricity");
    await page.selectOption("#o-model", "fixed");
    await page.selectOption("#o-gross", "true");
    await page.fill("#o-working-price-ct-per-kwh", "30");
    await page.fill("#o-base-price-eur-per-year", "120");
    await page.locator("form.offer-form").screenshot({ path: join(outDir, "browser-offer-form.png") });
    await page.getByRole("button", { name: "Add offer" }).click();
    await page.waitForSelector(".notice");
    const notice = (await page.locator(".notice").first().innerText()).trim();
    assert(notice === `Added the offer “${OFFER}”.`, `notice ${notice}`);
    const row = page.locator("table.grid-offers tbody tr", { hasText: OFFER });
    assert((await row.count()) === 1, `${await row.count()} rows for ${OFFER}`);
    const cells = (await row.locator("td").allInnerTexts()).map((t) => t.trim());
    assert(cells[3].startsWith("30,00") && cells[4] === "120,00", `working and base price ${cells[3]} | ${cells[4]}, want 30,00 and 120,00`);
    await page.goto(base + "offers");
    assert((await page.locator("table.grid-offers tbody tr", { hasText: OFFER }).count()) === 1, "the offer is gone after a reload");
  });

  await check("Anna Schneider's enneo contract and the offer compare on her curve (year 1 = kWh × 0,30 € + 120 €)", async () => {
    await page.goto(base + "customers");
    await page.getByRole("link", { name: "Anna Schneider", exact: true }).click();
    await page.waitForURL(/\/customers\/\d+$/);
    await page.getByRole("link", { name: "Compare", exact: true }).click();
    await page.waitForURL(/\/customers\/\d+\/compare/);
    // Tick her enneo contract and the offer, nothing else.
    const choices = page.locator(".compare-form label.choice");
    let contract = "";
    for (let i = 0; i < await choices.count(); i++) {
      const c = choices.nth(i);
      const primary = (await c.locator(".primary").innerText()).trim();
      const secondary = (await c.locator(".secondary").innerText()).trim();
      const want = primary === OFFER || (!contract && /^current · demo-enneo/.test(secondary) && primary.includes("Anna Schneider"));
      if (want && primary !== OFFER) contract = primary;
      await c.locator("input[type=checkbox]").setChecked(want);
    }
    assert(contract, "no current enneo contract of Anna Schneider among the options");
    await Promise.all([page.waitForURL(/o=o\d+/), page.getByRole("button", { name: "Compare", exact: true }).click()]);
    compareURL = page.url();
    const heads = (await costTable().locator("thead th.opt .opt-name").allInnerTexts()).map((t) => t.trim());
    assert(heads.length === 2 && heads.includes(contract) && heads.includes(OFFER), `options ${heads}`);
    const lede = await page.locator(".lede").innerText();
    assert(/profile H25/.test(lede), `lede ${lede}`);
    kwh = Number((await costCell("Consumption", OFFER)).replace(/\./g, ""));
    assert(Number.isInteger(kwh) && kwh > 1000, `consumption ${kwh}`);
    assert(Number((await costCell("Consumption", contract)).replace(/\./g, "")) === kwh, "the options are not on the same curve");
    const gross = euroCents(await costCell("Total gross", OFFER));
    assert(gross === kwh * 30 + 12000, `offer year 1 gross ${gross / 100} €, want ${kwh} kWh × 0,30 € + 120 € = ${(kwh * 30 + 12000) / 100} €`);
    const best = costTable().locator("td.best");
    assert((await best.count()) === 1, `${await best.count()} cheapest cells`);
    await shot("browser-compare-unscaled.png");
  });

  await check("scaling the curve by +10 % scales the offer's figure", async () => {
    assert(compareURL && kwh, "no comparison open");
    await page.fill("#c-scale", "10");
    await Promise.all([page.waitForURL(/scale=10/), page.getByRole("button", { name: "Compare", exact: true }).click()]);
    const scaled = Number((await costCell("Consumption", OFFER)).replace(/\./g, "").replace(",", "."));
    assert(Math.round(scaled) === Math.round(kwh * 1.1), `consumption ${scaled}, want ${Math.round(kwh * 1.1)}`);
    const want = Math.round((kwh * 110 * 30) / 100) + 12000;
    const gross = euroCents(await costCell("Total gross", OFFER));
    assert(gross === want, `offer year 1 gross ${gross / 100} €, want ${want / 100} €`);
    assert(await page.locator("svg").filter({ has: page.locator("rect, path") }).count() > 0, "no chart");
    await page.screenshot({ path: join(outDir, "browser-compare.png"), fullPage: true });
  });

  await check("the comparison CSV has the same figure in gross_eur_year1", async () => {
    const [dl] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "CSV", exact: true }).click()]);
    const file = join(outDir, "browser-compare.csv");
    await dl.saveAs(file);
    assert(/^wattfolio-compare-anna-schneider-\d{4}-\d{2}-\d{2}\.csv$/.test(dl.suggestedFilename()), `file name ${dl.suggestedFilename()}`);
    const rows = parseCSV(readFileSync(file, "utf8"));
    const col = rows[0].indexOf("gross_eur_year1"), scol = rows[0].indexOf("curve");
    assert(col >= 0, `header ${rows[0]}`);
    const offer = rows.find((r) => r[0] === OFFER);
    assert(offer, `no row ${OFFER}`);
    assert(rows.length - 1 === 2, `${rows.length - 1} options`);
    const want = Math.round((kwh * 110 * 30) / 100) + 12000;
    assert(Math.round(Number(offer[col]) * 100) === want, `gross_eur_year1 ${offer[col]}, want ${want / 100}`);
    assert(/\+10 %/.test(offer[scol]), `curve ${offer[scol]}`);
  });

  await check("the print layout shows the report without the controls", async () => {
    await page.goto(page.url() + (page.url().includes("?") ? "&" : "?") + "print=1");
    assert(await page.locator(".compare.compare-print").count() === 1, "no print layout");
    assert(!(await page.locator(".compare-form").isVisible()), "the curve form is shown in print");
    assert(!(await page.locator("header.top").isVisible()), "the header is shown in print");
    const gross = euroCents(await costCell("Total gross", OFFER));
    assert(gross === Math.round((kwh * 110 * 30) / 100) + 12000, `print gross ${gross / 100}`);
    await page.screenshot({ path: join(outDir, "browser-compare-print.png"), fullPage: true });
  });

  await check("the savings view has Anna Schneider with a saving and a deadline", async () => {
    await page.goto(base + "savings");
    const table = page.locator("table.grid", { has: page.locator("caption", { hasText: "Savings per customer" }) });
    const heads = (await table.locator("thead th").allInnerTexts()).map((t) => t.replace(/\s+/g, " ").replace(/^[▲▼ ]+/, "").trim());
    const dcol = heads.findIndex((t) => t.startsWith("Next deadline"));
    const scol = heads.findIndex((t) => t.startsWith("Saving"));
    assert(dcol >= 0 && scol >= 0, `columns ${heads}`);
    const row = table.locator("tbody tr", { has: page.locator("a.row-link", { hasText: "Anna Schneider" }) });
    assert((await row.count()) === 1, `${await row.count()} rows for Anna Schneider`);
    const cells = row.locator("th, td");
    const saving = (await cells.nth(scol).innerText()).trim();
    assert(/^\d{1,3}(\.\d{3})*,\d{2}\s€/.test(saving) && euroCents(saving) > 0, `saving ${saving}`);
    assert((await cells.nth(3).innerText()).includes(OFFER), `best offer ${await cells.nth(3).innerText()}`);
    const deadline = (await cells.nth(dcol).innerText()).trim();
    assert(deadline === "none known" || /\d{2}\.\d{2}\.\d{4}/.test(deadline), `deadline ${deadline}`);
    await shot("browser-savings.png");
  });

  // Issue 11: offline edits. The simulated Podero is "offline" (503) while
  // the edit is made and a send is tried; Sync now sends it once it is back.
  const simKnob = async (path, body) => {
    const res = await fetch(simBase + "/podero/_sim/" + path, { method: "POST", body: JSON.stringify(body) });
    assert(res.ok, `sim knob ${path}: ${res.status}`);
  };
  const navChanges = async () => (await page.locator("#nav-changes").innerText()).replace(/\s+/g, " ").trim();
  let podURL = "", podID = "";
  await check("an edit made while the vendor is unreachable is kept, pending, and sent by Sync now", async () => {
    await page.goto(base + "contracts?source=demo-podero");
    await page.locator("a.row-link").first().click();
    await page.waitForSelector("#e-supplier");
    podURL = page.url();
    podID = (await page.locator("dt:text-is(\"Vendor's ID\") + dd").innerText()).trim();
    const vendorSupplier = await page.inputValue("#e-supplier");
    await simKnob("faults", { Status: 503 });
    await page.fill("#e-building_id", "not-a-uuid");
    await page.click("#edit-save");
    assert((await page.locator("#e-building_id-msg").innerText()).includes("is not a UUID"), "no message beside the building");
    assert((await page.inputValue("#e-building_id")) === "not-a-uuid", "the typed building was not kept");
    assert(!/pending/.test(await navChanges()), "an invalid form queued a change");
    await page.goto(podURL);
    await page.fill("#e-supplier", "E2E Offline GmbH");
    await page.click("#edit-save");
    assert((await page.locator("#edit-notice").innerText()).startsWith("Saved on this laptop"), "no saved notice");
    assert(/Changes 1 pending/.test(await navChanges()), `header: ${await navChanges()}`);
    assert((await page.locator("#edit .vendor-value").first().innerText()).includes(vendorSupplier), "the vendor's value is not shown beside the edit");
    await shot("browser-edit-pending.png");
    await page.goto(base + "changes");
    await page.click("#send-changes");
    // The connector retries; the page gives up after 20 s and keeps the change.
    const notice = await page.locator("#changes-notice").innerText({ timeout: 40000 });
    assert(/not sent yet|did not answer/.test(notice), `send while offline: ${notice}`);
    assert(/Changes 1 pending/.test(await navChanges()), `after a failed send: ${await navChanges()}`);
    await simKnob("faults", {});
    await page.goto(base + "sync");
    await page.getByRole("button", { name: "Sync now" }).click();
    await page.waitForSelector(".notice", { timeout: 10000 });
    await page.waitForFunction(() => !document.querySelector(".notice-info") && !document.querySelector("button[disabled]"), null, { timeout: 30000 });
    await page.goto(podURL);
    const parties = await page.locator("#h-parties + dl").innerText();
    assert(parties.includes("E2E Offline GmbH"), `the contract after the sync: ${parties}`);
    assert(!/pending/.test(await navChanges()), `still pending: ${await navChanges()}`);
    assert((await page.locator("#edit .note").first().innerText()).includes("was sent"), "the page does not say the change was sent");
  });

  await check("a conflict made through the simulator's knob is resolved on the Changes page", async () => {
    await page.goto(podURL);
    await page.fill("#e-supplier", "E2E Mine GmbH");
    await page.click("#edit-save");
    await simKnob("set-supplier", { contract: podID, supplier: "E2E Theirs AG" });
    await page.goto(base + "changes");
    await page.click("#send-changes");
    assert((await page.locator("#changes-notice").innerText()).includes("1 in conflict"), "no conflict reported");
    assert(/1 need attention/.test(await navChanges()), `header: ${await navChanges()}`);
    const card = page.locator("section.change", { hasText: "E2E Theirs AG" });
    assert((await card.count()) === 1, "the conflict does not show the vendor's value");
    await shot("browser-edit-conflict.png");
    await card.locator("input[type=radio][value=mine]").check();
    await card.getByRole("button", { name: "Resolve" }).click();
    assert((await page.locator("#changes-notice").innerText()).includes("pending again"), "not pending after keeping mine");
    await page.click("#send-changes");
    assert((await page.locator("#changes-notice").innerText()).includes("1 change sent"), "the resolved change was not sent");
    await page.goto(podURL);
    assert((await page.locator("#h-parties + dl").innerText()).includes("E2E Mine GmbH"), "the vendor does not hold mine");
  });

  await check("notes, tags and a next contact stay on the contract", async () => {
    await page.goto(podURL);
    await page.fill("#n-notes", "Anrufen nach dem Audit <b>");
    await page.fill("#n-tags", "VIP, Wärmepumpe");
    await page.fill("#n-next", "2027-01-15");
    await page.click("#notes-save");
    await page.goto(podURL);
    assert((await page.inputValue("#n-notes")) === "Anrufen nach dem Audit <b>", "notes lost");
    assert((await page.inputValue("#n-tags")) === "VIP, Wärmepumpe", "tags lost");
    assert((await page.inputValue("#n-next")) === "2027-01-15", "next contact lost");
  });

  await check("no request leaves the machine (no fonts, no CDNs)", async () => {
    assert(external.length === 0, `external requests: ${external.slice(0, 3)}`);
    const sheets = await page.evaluate(() => [...document.styleSheets].map((s) => s.href));
    assert(sheets.length === 1 && sheets[0].endsWith("/static/app.css"), `stylesheets: ${sheets}`);
  });

  await check("the portfolio fits a 13-inch laptop (1280×800) without sideways scrolling", async () => {
    await page.goto(base + "contracts");
    const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(over <= 0, `${over}px wider than the window`);
    await page.setViewportSize({ width: 1366, height: 768 });
    await shot("browser-5-laptop-1366.png");
  });
} catch (e) {
  failed++;
  console.log(`FAIL  setup: ${e.message}`);
} finally {
  if (browser) await browser.close();
  for (const c of children) c.kill("SIGTERM");
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}

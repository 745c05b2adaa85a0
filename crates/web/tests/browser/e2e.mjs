// End-to-end test of the pdscore web app in a real browser (system Chromium driven by
// playwright-core). Run through run.sh, which starts the server and sets:
//   BASE_URL    the server, e.g. http://127.0.0.1:40123
//   SAMPLE_CSV  the shipped sample (data/klarna_synth_sample.csv)
//   SHOT_PATH   where to save the screenshot of the results page
// Prints one line per check and a final line `browser: N passed, N failed`.

import { mkdtempSync, readFileSync, rmSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { chromium } from "playwright-core";

const BASE_URL = process.env.BASE_URL;
const SAMPLE_CSV = process.env.SAMPLE_CSV;
const SHOT_PATH = process.env.SHOT_PATH;
if (!BASE_URL || !SAMPLE_CSV || !SHOT_PATH) {
  console.error("BASE_URL, SAMPLE_CSV and SHOT_PATH must be set (use run.sh)");
  console.log("browser: 0 passed, 1 failed");
  process.exit(1);
}

const sampleRows = readFileSync(SAMPLE_CSV, "utf8").trimEnd().split("\n").length - 1;
let passed = 0;
let failed = 0;

function assert(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

async function check(name, body) {
  try {
    await body();
    passed += 1;
    console.log(`ok   ${name}`);
  } catch (error) {
    failed += 1;
    console.log(`FAIL ${name}: ${error && error.message ? error.message : error}`);
  }
}

const userDataDir = mkdtempSync(join(tmpdir(), "pdscore-chromium-"));
const workDir = mkdtempSync(join(tmpdir(), "pdscore-e2e-"));
let context;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
} catch (error) {
  console.log(`FAIL launch chromium: ${error.message}`);
  console.log("browser: 0 passed, 1 failed");
  process.exit(1);
}

const page = context.pages()[0] || (await context.newPage());
page.setDefaultTimeout(60_000);
const offsite = [];
const consoleErrors = [];
page.on("request", (request) => {
  const url = request.url();
  if (!url.startsWith(BASE_URL) && !url.startsWith("data:") && !url.startsWith("blob:")) {
    offsite.push(url);
  }
});
page.on("console", (message) => {
  // The deliberately bad upload below answers 422, which Chromium logs as a failed load.
  if (message.type() === "error" && !/status of 422/.test(message.text())) {
    consoleErrors.push(message.text());
  }
});
page.on("pageerror", (error) => consoleErrors.push(String(error)));

await check("upload page shows the form, the model and the template link", async () => {
  const response = await page.goto(BASE_URL + "/");
  assert(response && response.status() === 200, `status ${response && response.status()}`);
  assert((await page.title()).includes("pdscore"), "title");
  assert(await page.getByLabel(/choose a file/i).count() === 1, "file input labelled");
  const model = await page.locator("#model-title + dl").innerText();
  assert(/Threshold/.test(model) && /Trained/.test(model), `model facts: ${model}`);
  assert(await page.locator('a[href="/template.csv"]').count() >= 1, "template link");
  mkdirSync(dirname(SHOT_PATH), { recursive: true });
  await page.screenshot({ path: join(dirname(SHOT_PATH), "index.png") });
});

await check("dropping a file on the drop zone selects it", async () => {
  await page.evaluate(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(["uuid\n"], "dropped.csv", { type: "text/csv" }));
    const zone = document.getElementById("dropzone");
    zone.dispatchEvent(new DragEvent("dragover", { dataTransfer: transfer, bubbles: true, cancelable: true }));
    zone.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
  });
  const text = await page.locator("#file-name").innerText();
  assert(text.includes("dropped.csv"), `file name shown: ${text}`);
  const files = await page.evaluate(() => document.getElementById("file").files.length);
  assert(files === 1, "input holds the dropped file");
});

await check("uploading the sample shows the summary, metrics, table and run log", async () => {
  await page.goto(BASE_URL + "/");
  await page.setInputFiles("#file", SAMPLE_CSV);
  await Promise.all([page.waitForURL(/\/results\/[0-9a-f]{32}$/), page.click("#submit")]);
  const rows = (await page.locator("#rows-scored").innerText()).trim().replaceAll(",", "");
  assert(rows === String(sampleRows), `rows scored ${rows}, expected ${sampleRows}`);
  const flagged = Number((await page.locator("#flagged").innerText()).trim().replaceAll(",", ""));
  assert(flagged > 0 && flagged < sampleRows, `flagged ${flagged}`);
  const tableRows = await page.locator("#results-table tbody tr").count();
  assert(tableRows === 50, `table rows ${tableRows}`);
  const auc = Number((await page.locator("#roc-auc").innerText()).trim());
  assert(auc > 0.5 && auc <= 1, `ROC AUC ${auc}`);
  assert(await page.locator("figure.chart svg").count() >= 3, "histogram, ROC and PR charts");
  const log = await page.locator("#run-log").innerText();
  assert(log.includes(`read ${sampleRows} rows`), `run log: ${log.slice(0, 200)}`);
});

const resultsUrl = page.url();

await check("the table sorts and pages on the server", async () => {
  const pdHeader = page.locator("#results-table thead th").nth(2);
  assert((await pdHeader.getAttribute("aria-sort")) === "descending", "default sort PD descending");
  await Promise.all([page.waitForURL(/sort=pd_asc/), pdHeader.locator("a").click()]);
  const pds = (await page.locator("#results-table tbody td.num").allInnerTexts()).map(Number);
  assert(pds.length === 50, `cells ${pds.length}`);
  assert(pds.every((v, i) => i === 0 || pds[i - 1] <= v), "ascending PDs");
  await Promise.all([page.waitForURL(/page=2/), page.locator('a[rel="next"]').click()]);
  const range = await page.locator("#range").innerText();
  assert(range.includes("51") && range.includes("100"), `range ${range}`);
});

await check("Download CSV gives every row with an escaped, complete CSV", async () => {
  await page.goto(resultsUrl);
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download")]);
  const path = join(workDir, "download.csv");
  await download.saveAs(path);
  const lines = readFileSync(path, "utf8").trimEnd().split("\n");
  assert(lines[0] === "uuid,pd,decision", `header ${lines[0]}`);
  assert(lines.length === sampleRows + 1, `lines ${lines.length}`);
  const ok = lines.slice(1).every((line) => {
    const [id, pd, decision] = line.split(",");
    const p = Number(pd);
    return id.length > 0 && p >= 0 && p <= 1 && (decision === "0" || decision === "1");
  });
  assert(ok, "every line is id, pd in [0, 1], decision 0/1");
  assert(download.suggestedFilename().endsWith(".csv"), download.suggestedFilename());
});

await check("a file without the needed columns gets an explanatory error page", async () => {
  const bad = join(workDir, "bad.csv");
  writeFileSync(bad, "uuid;age\nx1;40\n");
  await page.goto(BASE_URL + "/");
  await page.setInputFiles("#file", bad);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith("/predict")),
    page.click("#submit"),
  ]);
  assert(response.status() === 422, `status ${response.status()}`);
  await page.waitForSelector("#error-title");
  const text = await page.locator("main").innerText();
  assert(text.includes("Missing columns") && text.includes("merchant_category"), text.slice(0, 300));
});

await check("the results page is saved as a screenshot", async () => {
  await page.goto(resultsUrl);
  mkdirSync(dirname(SHOT_PATH), { recursive: true });
  await page.screenshot({ path: SHOT_PATH, fullPage: true });
  await page.screenshot({ path: SHOT_PATH.replace(/\.png$/, "-top.png") });
});

await check("no request left the server and no console errors (CSP)", async () => {
  assert(offsite.length === 0, `off-site requests: ${offsite.join(", ")}`);
  assert(consoleErrors.length === 0, `console errors: ${consoleErrors.join(" | ")}`);
});

await context.close();
rmSync(userDataDir, { recursive: true, force: true });
rmSync(workDir, { recursive: true, force: true });
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

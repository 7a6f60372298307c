// Drives headless Chromium over the pages trace-page.sh wrote: see trace-page.sh.
//   node trace-page.js DIR CHROMIUM NAME...
"use strict";
const fs = require("fs");
const path = require("path");
const { chromium } = require("playwright-core");

const [dir, exe, ...names] = process.argv.slice(2);
let passed = 0, failed = 0;
function check(what, ok, detail) {
  if (ok) passed++;
  else { failed++; console.log(`FAIL ${what}${detail ? ": " + detail : ""}`); }
}

(async () => {
  const browser = await chromium.launch({ executablePath: exe, args: ["--no-sandbox"] });
  for (const name of names) {
    const file = path.join(dir, `trace-${name}.html`);
    const json = JSON.parse(fs.readFileSync(path.join(dir, `trace-${name}.json`), "utf8"));
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors = [], requests = [];
    page.on("pageerror", e => errors.push(String(e)));
    page.on("console", m => { if (m.type() === "error") errors.push(m.text()); });
    page.on("request", r => { if (!r.url().startsWith("file:")) requests.push(r.url()); });
    await page.goto("file://" + file);
    check(`${name}: no script error`, errors.length === 0, errors.join("; "));
    check(`${name}: nothing fetched`, requests.length === 0, requests.join(" "));
    const rows = await page.$$eval("#findings tr", t => t.length - 1).catch(() => 0);
    check(`${name}: a row per finding`, rows === json.findings.length, `${rows} rows, ${json.findings.length} findings`);
    const data = JSON.parse(await page.$eval("#tl-data", e => e.textContent));
    const groups = data.rows.filter(r => r.kind === "group").length;
    const users = json.groups.filter(g => !g.runtime).length;
    check(`${name}: a timeline row per user group (at most 12)`, groups === Math.min(12, users), `${groups} rows, ${users} groups`);
    check(`${name}: GC, stop-the-world and P rows`, data.rows.filter(r => r.kind === "frac").length >= 3);
    const labels = await page.$$eval("#timeline text.lbl", t => t.length);
    check(`${name}: a label per row`, labels === data.rows.length, `${labels} labels, ${data.rows.length} rows`);
    await page.screenshot({ path: path.join(dir, `trace-${name}.png`), fullPage: true });
    // zoom with the wheel over the middle of the plot, then reset with a double click
    const box = await page.$eval("#plot", e => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; });
    const grow = data.rows.find(r => r.kind === "group");
    const gy = grow ? box[1] + grow.y * box[3] / data.height + 10 : box[1] + 5;
    await page.mouse.move(box[0] + box[2] / 2, gy);
    await page.mouse.wheel(0, -300);
    await page.waitForTimeout(100);
    const v = await page.evaluate(() => window.gomedicTrace.view());
    check(`${name}: the wheel zooms in`, v[1] - v[0] < data.cols, JSON.stringify(v));
    const tick = await page.$eval("#ticks text", t => t.textContent);
    check(`${name}: the axis follows the zoom`, tick !== "0 ns", tick);
    if (name === "leak") await page.screenshot({ path: path.join(dir, `trace-${name}-zoomed.png`), fullPage: true });
    await page.mouse.move(box[0] + box[2] / 2, gy + 1);
    const tip = await page.$eval("#tip", e => [getComputedStyle(e).display, e.textContent]);
    check(`${name}: hovering a group shows its numbers`, tip[0] === "block" && /running .* waiting/.test(tip[1]), JSON.stringify(tip));
    await page.mouse.dblclick(box[0] + box[2] / 2, gy);
    const w = await page.evaluate(() => window.gomedicTrace.view());
    check(`${name}: double click resets`, w[0] === 0 && w[1] === data.cols, JSON.stringify(w));
    await page.close();
  }
  await browser.close();
  console.log(`trace-page: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
})().catch(e => { console.log(String(e)); console.log(`trace-page: ${passed} passed, ${failed + 1} failed`); process.exit(1); });

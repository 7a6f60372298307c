// Drives headless Chromium over the pages mkflame wrote: frame count, search highlight,
// click-to-zoom, reset, hover details, the standalone SVG's own controls, and a 10^5-stack page
// (drawn, searched, zoomed; its timings are printed as info, not asserted). Usage: node check.js DIR EXPECT.json CHROMIUM
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const [dir, expectFile, exe] = process.argv.slice(2);
const want = JSON.parse(fs.readFileSync(expectFile, 'utf8'));
let passed = 0;
let failed = 0;

function check(name, ok, detail) {
    if (ok) {
        passed++;
        console.log(`ok   ${name}`);
    } else {
        failed++;
        console.log(`FAIL ${name}${detail === undefined ? '' : ': ' + detail}`);
    }
}

const url = (f) => 'file://' + path.resolve(dir, f);
const frame = (name) => `g.f[data-name=${JSON.stringify(name)}]`;

// Geometry and state of the frames with the given name, read in the page.
async function state(page, name) {
    return page.$eval(frame(name), (g) => {
        const r = g.querySelector('rect');
        return {
            cls: g.getAttribute('class'),
            shown: getComputedStyle(g).display !== 'none',
            x: +r.getAttribute('x'),
            width: +r.getAttribute('width'),
            label: g.querySelector('text').textContent,
        };
    });
}

async function checkHtml(page) {
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url('out.html'));
    const n = await page.$$eval('g.f', (v) => v.length);
    check('html: frame count', n === want.frames, `${n} != ${want.frames}`);
    const svgWidth = await page.$eval('#gmflame', (s) => s.getBoundingClientRect().width);
    check('html: svg width', Math.abs(svgWidth - want.width) < 1, svgWidth);
    const weird = await page.$$eval('g.f', (v) =>
        v.map((g) => g.getAttribute('data-name')).filter((s) => s.indexOf('<lambda>&"x"') >= 0));
    check('html: escaped name round-trips', weird.length === 1, JSON.stringify(weird));

    // search
    await page.fill('#search', want.search);
    const hl = await page.$$eval('g.f.hl', (v) => v.map((g) => g.getAttribute('data-name')));
    const re = new RegExp(want.search);
    check('html: search highlights the expected frames',
        hl.length === want.matches && hl.every((s) => re.test(s)),
        `${hl.length} highlighted, want ${want.matches}: ${hl.join(' | ')}`);
    const fill = await page.$eval('g.f.hl rect', (r) => getComputedStyle(r).fill);
    check('html: highlight colour', fill === 'rgb(224, 64, 224)', fill);
    const matched = await page.textContent('#matched');
    check('html: matched share', matched === want.matched, `${matched} != ${want.matched}`);
    await page.fill('#search', '');
    check('html: clearing the search', (await page.$$('g.f.hl')).length === 0);
    await page.fill('#search', '([');
    check('html: bad regex reported', /invalid/.test(await page.textContent('#details')));
    check('html: bad regex highlights nothing', (await page.$$('g.f.hl')).length === 0);
    await page.fill('#search', '');

    // hover
    await page.hover(frame(want.deep) + ' rect');
    const details = await page.textContent('#details');
    check('html: hover details', details.indexOf(want.deep + ' (') === 0, details);

    // zoom
    const before = await state(page, want.zoom);
    await page.click(frame(want.zoom) + ' rect');
    const z = await state(page, want.zoom);
    check('html: zoomed frame spans the width', Math.abs(z.x) < 1 && Math.abs(z.width - svgWidth) <= 1,
        JSON.stringify(z));
    check('html: zoomed frame has its full label', z.label === want.zoom, z.label);
    const sib = await state(page, want.sibling);
    check('html: unrelated sibling hidden', !sib.shown && /hidden/.test(sib.cls), JSON.stringify(sib));
    const root = await state(page, 'all');
    check('html: ancestors dimmed', root.shown && /dim/.test(root.cls) &&
        (await state(page, 'runtime.goexit')).cls.indexOf('dim') > 0, JSON.stringify(root));
    const deep = await state(page, want.deep);
    check('html: descendants rescaled', deep.shown && Math.abs(deep.width - want.deep_width) < 1,
        `${deep.width} != ${want.deep_width}`);
    const visible = await page.$$eval('g.f', (v) =>
        v.filter((g) => getComputedStyle(g).display !== 'none').length);
    check('html: some frames hidden while zoomed', visible < want.frames, visible);
    await page.screenshot({ path: path.join(dir, 'zoomed.png'), fullPage: true });

    // reset
    await page.click('#reset');
    const hidden = await page.$$eval('g.f', (v) =>
        v.filter((g) => getComputedStyle(g).display === 'none' || /dim|hidden/.test(g.getAttribute('class'))).length);
    check('html: reset shows every frame', hidden === 0, `${hidden} still hidden`);
    const after = await state(page, want.zoom);
    check('html: reset restores geometry', Math.abs(after.x - before.x) < 0.01 &&
        Math.abs(after.width - before.width) < 0.01 && after.label === before.label,
        `${JSON.stringify(before)} -> ${JSON.stringify(after)}`);

    // zoom into a leaf, then into the root, which is the same as a reset
    await page.click(frame(want.deep) + ' rect');
    check('html: second zoom', Math.abs((await state(page, want.deep)).width - svgWidth) <= 1);
    await page.click(frame('all') + ' rect');
    check('html: zoom on the root shows everything', (await page.$$eval('g.f', (v) =>
        v.filter((g) => getComputedStyle(g).display === 'none').length)) === 0);

    await page.fill('#search', want.search);
    await page.screenshot({ path: path.join(dir, 'out.png'), fullPage: true });
    await page.fill('#search', '');
    check('html: no script errors', errors.length === 0, errors.join('; '));
}

async function checkSvg(page) {
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url('out.svg'));
    const n = await page.$$eval('g.f', (v) => v.length);
    check('svg: frame count', n === want.frames, `${n} != ${want.frames}`);
    await page.screenshot({ path: path.join(dir, 'svg.png') });
    page.once('dialog', (d) => d.accept(want.search));
    await page.click('#searchctl');
    const hl = await page.$$eval('g.f.hl', (v) => v.length);
    check('svg: Search control prompts and highlights', hl === want.matches, hl);
    check('svg: matched share', (await page.textContent('#matched')) === want.matched);
    check('svg: control becomes "Reset search"', (await page.textContent('#searchctl')) === 'Reset search');
    await page.click('#searchctl');
    check('svg: second click clears the search', (await page.$$('g.f.hl')).length === 0);
    await page.click(frame(want.zoom) + ' rect');
    const z = await state(page, want.zoom);
    check('svg: zoom', Math.abs(z.width - want.width) <= 1 && !(await state(page, want.sibling)).shown,
        JSON.stringify(z));
    await page.hover(frame(want.deep) + ' rect');
    check('svg: hover status line', (await page.textContent('#details')).indexOf(want.deep) === 0);
    await page.click('#unzoom');
    check('svg: Reset zoom', (await state(page, want.sibling)).shown);
    check('svg: no script errors', errors.length === 0, errors.join('; '));
}

async function checkDiff(page) {
    await page.goto(url('diff.html'));
    const c = await page.$$eval('g.f', (v) => v.map((g) => ({
        v: +g.getAttribute('data-value'), b: +g.getAttribute('data-base'),
        fill: g.querySelector('rect').getAttribute('fill'),
    })));
    const bad = c.filter((f) => (f.v > f.b && !/^rgb\(255,/.test(f.fill)) ||
        (f.v < f.b && !/,255\)$/.test(f.fill)));
    check('diff: grew is red, shrank is blue', c.length > 0 && bad.length === 0, JSON.stringify(bad[0]));
    await page.screenshot({ path: path.join(dir, 'diff.png'), fullPage: true });
}

async function checkBig(page) {
    const t0 = Date.now();
    await page.goto(url('big.html'), { waitUntil: 'load' });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
    const ms = Date.now() - t0;
    const n = await page.$$eval('g.f', (v) => v.length);
    console.log(`info big.html: ${n} frames drawn from ${want.big_stacks} stacks ` +
        `(${want.big_nodes} nodes), loaded in ${ms} ms`);
    // Timings are printed, never asserted (a loaded CI machine is no benchmark): the 10^5-stack
    // render is measured in bench/run.sh; here the page must draw and respond.
    check('big: frames drawn', n > 0, `${n} frames`);
    console.log(`info mkflame: 10^5 stacks built in ${want.big_build_ms} ms, ` +
        `rendered in ${want.big_render_ms} ms`);
    await page.screenshot({ path: path.join(dir, 'big.png') });
    const t1 = Date.now();
    await page.fill('#search', 'Step3$');
    const hl = await page.$$eval('g.f.hl', (v) => v.length);
    const t2 = Date.now();
    const target = await page.$('g.f[data-depth="3"]');
    await target.click();
    const t3 = Date.now();
    console.log(`info big.html: search ${t2 - t1} ms (${hl} highlighted), zoom ${t3 - t2} ms`);
    check('big: search highlights', hl > 0, `${hl} highlighted`);
    const svgWidth = await page.$eval('#gmflame', (g) => g.getBoundingClientRect().width);
    const zw = await target.$eval('rect', (r) => +r.getAttribute('width'));
    check('big: zoomed frame spans the width', Math.abs(zw - svgWidth) <= 1, `${zw} of ${svgWidth}`);
}

(async () => {
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'gm-chromium-'));
    let ctx;
    try {
        ctx = await chromium.launchPersistentContext(profile, {
            executablePath: exe,
            headless: true,
            viewport: { width: 1240, height: 900 },
            args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                '--disable-background-networking', '--disable-component-update', '--disable-sync'],
        });
        // nothing may leave the machine: the pages are self-contained
        await ctx.route(/^(?!file:)/, (route) => {
            check('no network request', false, route.request().url());
            route.abort();
        });
        for (const fn of [checkHtml, checkSvg, checkDiff, checkBig]) {
            const page = await ctx.newPage();
            try {
                await fn(page);
            } catch (e) {
                check(fn.name, false, e.message.split('\n')[0]);
            }
            await page.close();
        }
    } catch (e) {
        check('launch', false, e.message.split('\n')[0]);
    } finally {
        if (ctx) {
            await ctx.close();
        }
        fs.rmSync(profile, { recursive: true, force: true });
    }
    console.log(`browser: ${passed} passed, ${failed} failed`);
    process.exit(failed ? 1 : 0);
})();

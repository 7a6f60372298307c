// Drives headless Chromium over the web UI of a running gomedic watch --listen (the contract:
// docs/design/watch-http.md) that watches "leaky" (leaking goroutines, an open finding already
// in /api/targets), "healthy", and healthy again under the name x"<img src=x onerror=alert(1)>.
// Checks the targets page (the hostile name shown as text, no element made of it, no dialog),
// the capture a finding links to, its flame graph, the target's timeline, the download, the
// 404s of unknown ids and paths, and prints the load time of /. Screenshots in OUTDIR:
// index.png, capture.png, flame.png, target.png. Prints "watch-ui: N passed, N failed".
// Usage: node watch-ui.js URL OUTDIR CHROMIUM   (run by watch-ui.sh)
'use strict';
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const [base, outdir, exe] = process.argv.slice(2);
const origin = new URL(base).origin;
const EVIL = 'x"<img src=x onerror=alert(1)>';
const STATES = 12; // the wait-state classes, one polygon.area each
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
const info = (s) => console.log(`info ${s}`);
const short = (s, n = 300) => (s.length > n ? s.slice(0, n) + '...' : s);

// GET PATH as it is written (no dot-segment or %2e normalization as a browser or URL() does)
function rawGet(p) {
    return new Promise((resolve) => {
        const u = new URL(base);
        const rq = http.request({ host: u.hostname, port: u.port, path: p, method: 'GET', timeout: 5000 },
            (res) => {
                const chunks = [];
                res.on('data', (c) => chunks.push(c));
                res.on('end', () => resolve({ status: res.statusCode, headers: res.headers,
                    body: Buffer.concat(chunks) }));
            });
        rq.on('timeout', () => rq.destroy(new Error('timed out')));
        rq.on('error', (e) => resolve({ status: 0, headers: {}, body: Buffer.from(String(e)) }));
        rq.end();
    });
}

const shot = (page, name) => page.screenshot({ path: path.join(outdir, name), fullPage: true });

// The state the later steps need, filled in as they pass.
const st = {};

// 1. / : the targets, the hostile name as text, the leak's finding, nothing on the healthy one
// every dialog any page opens (none may: the only script is the flame graph's)
const dialogs = [];

async function index(page) {
    const t0 = Date.now();
    const res = await page.goto(base, { waitUntil: 'load' });
    const ms = Date.now() - t0;
    const nav = await page.evaluate(() => {
        const n = performance.getEntriesByType('navigation')[0];
        return n ? { ttfb: n.responseStart - n.requestStart, load: n.loadEventEnd - n.startTime,
            bytes: n.transferSize } : null;
    });
    // 7. the load time of / (printed, not asserted)
    info(`/ loaded in ${ms} ms` + (nav ? ` (time to first byte ${nav.ttfb.toFixed(1)} ms, ` +
        `load event ${nav.load.toFixed(1)} ms, ${nav.bytes} bytes)` : ''));
    check('/: 200', res && res.status() === 200, res && res.status());
    check('/: text/html', res && /^text\/html/.test(res.headers()['content-type'] || ''),
        res && res.headers()['content-type']);
    const rows = await page.$$eval('table#targets tr.target', (v) => v.map((tr) => ({
        name: tr.getAttribute('data-name'),
        text: tr.textContent,
        link: tr.querySelector('a.target-link') && tr.querySelector('a.target-link').getAttribute('href'),
        linkText: tr.querySelector('a.target-link') && tr.querySelector('a.target-link').textContent,
        state: tr.cells[1] ? { cls: tr.cells[1].className, text: tr.cells[1].textContent.trim() } : null,
        findings: [...tr.querySelectorAll('a.finding')].map((a) => ({
            id: a.textContent, href: a.getAttribute('href'),
            fn: a.nextElementSibling && a.nextElementSibling.tagName === 'CODE' ?
                a.nextElementSibling.textContent : '',
        })),
    })));
    check('/: table#targets has 3 tr.target rows', rows.length === 3,
        `${rows.length}: ${JSON.stringify(rows.map((r) => r.name))}`);
    const body = await page.evaluate(() => document.body.textContent);
    check('/: the hostile name shown as literal text', body.includes(EVIL),
        short(body.replace(/\s+/g, ' ')));
    const evilRow = rows.find((r) => r.name === EVIL);
    check('/: the hostile name round-trips in data-name and the link text',
        evilRow && evilRow.linkText === EVIL, JSON.stringify(rows.map((r) => r.name)));
    const imgs = await page.$$eval('img', (v) => v.map((i) => i.outerHTML));
    check('/: no <img> element in the page', imgs.length === 0, imgs.join(' '));
    const injected = await page.$$eval('[onerror], script', (v) => v.map((e) => e.outerHTML));
    check('/: no onerror attribute or script element', injected.length === 0, short(injected.join(' ')));
    await page.waitForTimeout(300); // an onerror would fire on the failed load of "x"
    check('/: no dialog fired', dialogs.length === 0, dialogs.join('; '));
    st.evil = evilRow;

    const leaky = rows.find((r) => r.name === 'leaky');
    const healthy = rows.find((r) => r.name === 'healthy');
    check('/: leaky row', !!leaky, JSON.stringify(rows.map((r) => r.name)));
    check('/: healthy row', !!healthy, JSON.stringify(rows.map((r) => r.name)));
    if (leaky) {
        check('/: leaky is up', leaky.state && leaky.state.text === 'up' && /\bup\b/.test(leaky.state.cls),
            JSON.stringify(leaky.state));
        check('/: leaky has an a.finding link to /captures/CID', leaky.findings.length > 0 &&
            leaky.findings.every((f) => /^\/captures\/[0-9]+$/.test(f.href)), JSON.stringify(leaky.findings));
        check('/: leaky has an a.target-link to /targets/ID', /^\/targets\/[0-9]+$/.test(leaky.link || ''),
            leaky.link);
        st.leaky = leaky;
        info(`leaky's open findings: ${leaky.findings.map((f) => `${f.id} ${f.fn} -> ${f.href}`).join(', ')}`);
    }
    if (healthy) {
        check('/: healthy has no a.finding', healthy.findings.length === 0, JSON.stringify(healthy.findings));
        check('/: healthy is up', healthy.state && healthy.state.text === 'up', JSON.stringify(healthy.state));
    }
    if (evilRow) {
        check('/: the hostile-named target has no a.finding', evilRow.findings.length === 0,
            JSON.stringify(evilRow.findings));
    }
    await shot(page, 'index.png');
}

// 1b. the hostile-named target's own page: its name in the title and heading, as text
async function evilTarget(page) {
    if (!st.evil || !st.evil.link) {
        check('hostile target page: a target link', false, 'no row with the hostile name on /');
        return;
    }
    await page.goto(base, { waitUntil: 'load' });
    const rows = page.locator('tr.target');
    let link = null;
    for (let i = 0; i < await rows.count(); i++) {
        if (await rows.nth(i).getAttribute('data-name') === EVIL) {
            link = rows.nth(i).locator('a.target-link');
        }
    }
    await Promise.all([page.waitForURL((u) => u.pathname === st.evil.link), link.click()]);
    const h1 = await page.textContent('h1');
    check(`hostile target page ${st.evil.link}: the name in the heading as text`, h1.includes(EVIL), h1);
    const title = await page.title();
    check('hostile target page: the name in the title as text', title.includes(EVIL), title);
    const imgs = await page.$$eval('img, [onerror], script', (v) => v.map((i) => i.outerHTML));
    check('hostile target page: no img, onerror or script element', imgs.length === 0, imgs.join(' '));
    await page.waitForTimeout(300);
    check('hostile target page: no dialog fired', dialogs.length === 0, dialogs.join('; '));
}

// 2. the leak's finding link -> /captures/CID: its findings, download, flame, buckets
async function capture(page) {
    if (!st.leaky || !st.leaky.findings.length) {
        check('capture: a finding link to follow', false, 'none on /');
        return;
    }
    // the goroutine finding first (the one whose function names the leak), else the first one
    const f = st.leaky.findings.find((x) => /^(chan|select|mutex|goroutine|wait)/.test(x.id)) ||
        st.leaky.findings[0];
    st.finding = f;
    await page.goto(base, { waitUntil: 'load' });
    const link = page.locator(`tr.target[data-name="leaky"] a.finding[href="${f.href}"]`).first();
    await Promise.all([page.waitForURL((u) => u.pathname === f.href), link.click()]);
    const u = new URL(page.url());
    check(`capture: the link of ${f.id} lands on /captures/N`, /^\/captures\/[0-9]+$/.test(u.pathname),
        page.url());
    st.captureUrl = page.url();
    const h1 = (await page.textContent('h1')) || '';
    const kind = (h1.match(/^Capture [0-9]+: (.*)$/) || [])[1] || '';
    st.kind = kind;
    info(`capture ${u.pathname}: kind ${JSON.stringify(kind)}`);
    check('capture: kind in the title', /^(goroutine|goroutine-debug2|heap|cpu|trace)$/.test(kind), h1);
    const rows = await page.$$eval('table#findings tbody tr', (v) => v.map((tr) => tr.textContent));
    check(`capture: table#findings has a row naming ${f.id}`, rows.some((t) => t.includes(f.id)),
        `${rows.length} rows: ${short(rows.join(' | '))}`);
    if (f.fn) {
        check(`capture: the finding's row names ${f.fn}`, rows.some((t) => t.includes(f.id) && t.includes(f.fn)),
            short(rows.join(' | ')));
    }
    if (f.id === 'chan-send-blocked') { // the daemon runs with --source-root examples/leaky
        check('capture: the leak\'s row says the source confirms it (send-unreceived)',
            rows.some((t) => t.includes(f.id) && /confirmed by the source: \S*main\.go:42 \(gomedic lint, send-unreceived\)/.test(t)),
            short(rows.join(' | ')));
    }
    const dl = await page.$eval('a#download', (a) => a.getAttribute('href')).catch(() => null);
    check('capture: a#download -> /captures/N/file', dl === `${u.pathname}/file`, dl);
    st.download = dl;
    const flame = await page.$eval('a#flame', (a) => a.getAttribute('href')).catch(() => null);
    if (kind === 'trace') {
        check('capture: no a#flame for a trace', flame === null, flame);
    } else {
        check('capture: a#flame -> /captures/N/flame', flame === `${u.pathname}/flame`, flame);
    }
    if (kind.startsWith('goroutine')) {
        const b = await page.$$eval('table#buckets tbody tr', (v) => v.map((tr) => tr.textContent));
        check('capture: table#buckets has rows', b.length > 0, b.length);
        if (f.fn) {
            check(`capture: a bucket's stack has ${f.fn}`, b.some((t) => t.includes(f.fn)),
                short(b.join(' | ')));
        }
    }
    await shot(page, 'capture.png');
}

// 3. a#flame -> the flame graph: frames, the leak's function among them
async function flame(page) {
    if (!st.captureUrl || st.kind === 'trace') {
        check('flame: a capture with a flame graph', false, st.captureUrl ? st.kind : 'no capture page');
        return;
    }
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(st.captureUrl, { waitUntil: 'load' });
    await Promise.all([page.waitForURL((u) => u.pathname.endsWith('/flame')), page.click('a#flame')]);
    const names = await page.$$eval('g.f', (v) => v.map((g) => g.getAttribute('data-name')));
    check('flame: at least 3 g.f frames', names.length >= 3, names.length);
    info(`flame ${new URL(page.url()).pathname}: ${names.length} frames`);
    if (st.kind === 'heap') {
        check('flame: heap frames named', names.some((n) => n && n !== 'all'), short(names.join(' | ')));
    } else if (st.finding && st.finding.fn) {
        check(`flame: ${st.finding.fn} among g.f[data-name]`, names.includes(st.finding.fn),
            short(names.filter((n) => /main\./.test(n)).join(' | ') || names.join(' | ')));
    } else {
        check('flame: a main. frame', names.some((n) => /^main\./.test(n)), short(names.join(' | ')));
    }
    const title = await page.title();
    check('flame: title names the target', title.includes('leaky'), title);
    if (st.finding && st.finding.fn && names.includes(st.finding.fn)) {
        const r = await page.$eval(`g.f[data-name=${JSON.stringify(st.finding.fn)}] rect`,
            (r) => +r.getAttribute('width'));
        info(`flame: ${st.finding.fn} drawn ${r.toFixed(1)} px wide`);
    }
    check('flame: no script errors', errors.length === 0, errors.join('; '));
    await shot(page, 'flame.png');
}

// 4. /targets/ID: the timeline, its marks, the events
async function target(page) {
    if (!st.leaky || !st.leaky.link) {
        check('target: a target link', false, 'none for leaky on /');
        return;
    }
    await page.goto(base, { waitUntil: 'load' });
    await Promise.all([page.waitForURL((u) => u.pathname === st.leaky.link),
        page.click('tr.target[data-name="leaky"] a.target-link')]);
    const res = await page.request.get(page.url());
    check(`target: ${st.leaky.link} 200`, res.status() === 200, res.status());
    check('target: svg#timeline', (await page.$$('svg#timeline')).length === 1);
    const areas = await page.$$eval('svg#timeline polygon.area', (v) => v.map((p) => p.getAttribute('data-state')));
    check(`target: ${STATES} polygon.area, one per state class`,
        areas.length === STATES && new Set(areas).size === STATES, `${areas.length}: ${areas.join(' ')}`);
    const empty = await page.$$eval('svg#timeline polygon.area', (v) =>
        v.filter((p) => !(p.getAttribute('points') || '').trim()).length);
    check('target: the areas have points', empty === 0, `${empty} empty`);
    const trig = await page.$$eval('svg#timeline g.mark.trigger', (v) => v.length);
    const caps = await page.$$eval('svg#timeline g.mark.capture', (v) => v.length);
    check('target: at least one g.mark.trigger', trig >= 1, trig);
    check('target: at least one g.mark.capture', caps >= 1, caps);
    info(`timeline: ${trig} trigger marks, ${caps} capture marks`);
    // the marks inside the plot (x within the svg)
    const out = await page.$$eval('svg#timeline g.mark', (v) => v.map((g) => g.getBBox())
        .filter((b) => b.x < 0 || b.x + b.width > 960).map((b) => b.x.toFixed(1)));
    check('target: marks within the timeline', out.length === 0, out.join(' '));
    const ev = await page.$$eval('table#events tbody tr', (v) => v.map((tr) => tr.getAttribute('data-event')));
    check('target: table#events has rows', ev.length > 0, ev.length);
    check('target: the events have the finding', ev.includes('finding'), [...new Set(ev)].join(' '));
    const listed = await page.$$eval('table#captures a.capture-link', (v) => v.map((a) => a.getAttribute('href')));
    check('target: table#captures has rows', listed.length > 0, listed.length);
    // every capture listed (the same span) has its mark, a link to it
    const marked = await page.$$eval('svg#timeline g.mark.capture', (v) => v.map((g) =>
        (g.closest('a') && (g.closest('a').getAttribute('href') || g.closest('a').getAttribute('xlink:href'))) || ''));
    const unmarked = listed.filter((h) => !marked.includes(h));
    let why = '';
    if (unmarked.length) {
        const api = await (await page.request.get(`${origin}/api${st.leaky.link}?since=1h`)).json();
        const first = api.samples && api.samples.length ? api.samples[0].t_ms : null;
        const caps = (await (await page.request.get(`${origin}/api/captures?target=leaky&since=1h`)).json()).captures;
        why = '; ' + unmarked.map((h) => {
            const c = caps.find((c) => `/captures/${c.id}` === h);
            return `${h} (${c && c.kind}) at t_ms ${c && c.time_ms}`;
        }).join(', ') + `, first sample at t_ms ${first}`;
    }
    check('target: one g.mark.capture for each capture in table#captures', unmarked.length === 0,
        `${marked.length} marks, ${listed.length} captures, not marked: ${unmarked.join(' ')}${why}`);
    await shot(page, 'target.png');
}

// 5. the download answers 200 with the file
async function download(page) {
    if (!st.download) {
        check('download: a#download', false, 'no link');
        return;
    }
    const res = await page.request.get(origin + st.download);
    const body = await res.body();
    check(`download: ${st.download} 200`, res.status() === 200, res.status());
    check('download: a non-empty body', body.length > 0, body.length);
    info(`download: ${body.length} bytes, ${res.headers()['content-type']}, ` +
        `${res.headers()['content-disposition'] || 'no Content-Disposition'}`);
}

// 6. unknown ids and paths: 404 / not 200, never a file from outside the store
async function hostile() {
    const r = await rawGet('/captures/999999');
    check('/captures/999999: 404', r.status === 404, r.status);
    for (const p of ['/captures/1/../../etc/passwd', '/captures/%2e%2e/file', '/captures/1/file/../../../etc/passwd',
        '/captures/..%2f..%2fetc%2fpasswd/file', '/captures/1%2f..%2f..%2fetc%2fpasswd', '/captures/-1/file',
        '/captures/0/file', '/captures/99999999999999999999999/file', '/captures/1/file%00', '/captures/1%00/x',
        '/captures/1/flame/x', '/targets/0', '/targets/999999', '/targets/1x']) {
        const x = await rawGet(p);
        const leaked = /root:.*:0:0:/.test(x.body.toString('latin1'));
        const text = x.body.toString('latin1').slice(0, 80).replace(/[^\x20-\x7e]/g, '.');
        check(`${p}: not 200 (${x.status})`, x.status !== 200 && x.status !== 0 && !leaked,
            `${x.status} ${x.headers['content-type'] || ''} ${x.body.length} bytes ` +
            `${x.headers['content-disposition'] || ''} ${JSON.stringify(text)}`);
    }
}

(async () => {
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'gm-chromium-'));
    let ctx;
    const guard = setTimeout(() => {
        check('finished in 100 s', false, 'timed out');
        console.log(`watch-ui: ${passed} passed, ${failed} failed`);
        process.exit(1);
    }, 100000);
    try {
        ctx = await chromium.launchPersistentContext(profile, {
            executablePath: exe,
            headless: true,
            viewport: { width: 1280, height: 900 },
            args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                '--disable-background-networking', '--disable-component-update', '--disable-sync'],
        });
        ctx.setDefaultTimeout(10000);
        // the pages load nothing from elsewhere, and the hostile name's img never loads "x"
        const stray = [];
        await ctx.route(() => true, (route) => {
            const u = new URL(route.request().url());
            if (u.origin !== origin || u.pathname === '/x') {
                stray.push(route.request().url());
                return route.abort();
            }
            return route.continue();
        });
        for (const fn of [index, evilTarget, capture, flame, target, download]) {
            const page = await ctx.newPage();
            page.on('dialog', (d) => {
                dialogs.push(`${fn.name}: ${d.type()} ${JSON.stringify(d.message())}`);
                d.dismiss().catch(() => {});
            });
            try {
                await fn(page);
            } catch (e) {
                check(fn.name, false, e.message.split('\n')[0]);
            }
            await page.close();
        }
        try {
            await hostile();
        } catch (e) {
            check('hostile paths', false, e.message.split('\n')[0]);
        }
        check('no request outside the daemon (and none for the hostile name\'s "x")', stray.length === 0,
            stray.join(' '));
        check('no dialog on any page', dialogs.length === 0, dialogs.join('; '));
    } catch (e) {
        check('launch', false, e.message.split('\n')[0]);
    } finally {
        if (ctx) {
            await ctx.close().catch(() => {});
        }
        fs.rmSync(profile, { recursive: true, force: true });
    }
    clearTimeout(guard);
    console.log(`watch-ui: ${passed} passed, ${failed} failed`);
    process.exit(failed ? 1 : 0);
})();

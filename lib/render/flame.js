(function () {
    'use strict';
    var svg = document.getElementById('gmflame');
    var W = +svg.getAttribute('width');
    var fr = svg.querySelectorAll('g.f');
    var n = fr.length, geo = null, state = [], hit = [], term = '';

    function $(id) { return document.getElementById(id); }
    function say(id, s) { var e = $(id); if (e) { e.textContent = s; } }
    function part(g, tag) { return g.getElementsByTagName(tag)[0]; }
    function load() { /* original geometry, read once */
        if (geo) { return; }
        geo = { x: [], w: [], d: [] };
        for (var i = 0; i < n; i++) {
            var r = part(fr[i], 'rect');
            geo.x.push(+r.getAttribute('x'));
            geo.w.push(+r.getAttribute('width'));
            geo.d.push(+fr[i].getAttribute('data-depth'));
        }
    }
    function cls(i) { fr[i].setAttribute('class', 'f' + (state[i] || '') + (hit[i] ? ' hl' : '')); }
    function fit(name, w) { /* same rule as the C side: 7 px per character, '..' when cut */
        var c = Math.floor((w - 6) / 7);
        if (c < 3) { return ''; }
        if (name.length <= c) { return name; }
        c -= 2;
        var k = name.charCodeAt(c - 1);
        if (k >= 0xd800 && k <= 0xdbff) { c--; }
        return name.substring(0, c) + '..';
    }
    function place(i, x, w, st) {
        var g = fr[i], r = part(g, 'rect'), t = part(g, 'text');
        r.setAttribute('x', x.toFixed(2));
        r.setAttribute('width', w.toFixed(2));
        t.setAttribute('x', (x + 3).toFixed(2));
        t.textContent = fit(g.getAttribute('data-name'), w);
        state[i] = st;
        cls(i);
    }
    function hide(i) { state[i] = ' hidden'; cls(i); }
    /* Frames are in depth-first order: descendants follow a frame until the depth drops back,
     * and the nearest earlier frame one level up is its parent. */
    function zoom(i) {
        load();
        var d = geo.d[i], x0 = geo.x[i], s = W / geo.w[i], up = d - 1, j;
        for (j = i - 1; j >= 0; j--) {
            if (geo.d[j] === up) { place(j, 0, W, ' dim'); up--; } else { hide(j); }
        }
        place(i, 0, W, '');
        for (j = i + 1; j < n && geo.d[j] > d; j++) { place(j, (geo.x[j] - x0) * s, geo.w[j] * s, ''); }
        for (; j < n; j++) { hide(j); }
    }
    function reset() {
        if (!geo) { return; }
        for (var i = 0; i < n; i++) { place(i, geo.x[i], geo.w[i], ''); }
    }
    /* Highlights frames whose name matches; the matched share counts nested matches once. */
    function search(t) {
        var re = null, sum = 0, cover = -1, i, d, m, tot, c;
        if (t) {
            try { re = new RegExp(t); } catch (e) { say('details', 'invalid regular expression: ' + t); return; }
        }
        term = t || '';
        load();
        for (i = 0; i < n; i++) {
            m = !!re && re.test(fr[i].getAttribute('data-name'));
            if (m !== !!hit[i]) { hit[i] = m; cls(i); }
            d = geo.d[i];
            if (cover >= 0 && d <= cover) { cover = -1; }
            if (m && cover < 0) { sum += +fr[i].getAttribute('data-value'); cover = d; }
        }
        tot = n ? +fr[0].getAttribute('data-value') : 0;
        say('matched', re ? 'Matched: ' + (tot ? 100 * sum / tot : 0).toFixed(1) + '%' : '');
        c = $('searchctl');
        if (c) { c.textContent = re ? 'Reset search' : 'Search'; }
    }
    function frameOf(e) {
        for (var t = e.target; t && t !== svg; t = t.parentNode) {
            if (t.getAttribute && t.getAttribute('data-depth') !== null) { return t; }
        }
        return null;
    }
    svg.addEventListener('click', function (e) {
        var g = frameOf(e);
        if (g) { zoom(Array.prototype.indexOf.call(fr, g)); }
    });
    svg.addEventListener('mouseover', function (e) {
        var g = frameOf(e);
        if (g) { say('details', part(g, 'title').textContent); }
    });
    svg.addEventListener('mouseout', function (e) {
        if (frameOf(e)) { say('details', ' '); }
    });
    var el = $('unzoom') || $('reset');
    if (el) { el.addEventListener('click', reset); }
    el = $('searchctl');
    if (el) {
        el.addEventListener('click', function () {
            search(term ? '' : window.prompt('Search (regular expression)', '') || '');
        });
    }
    el = $('search');
    if (el) { el.addEventListener('input', function () { search(this.value); }); }
    window.gmflame = { zoom: zoom, reset: reset, search: search };
})();

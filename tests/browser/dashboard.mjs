// Headless Chromium checks of the dashboard, driven by playwright-core with
// Debian's /usr/bin/chromium (never a downloaded browser). Run by
// tests/e2e/t0510-browser.sh, which starts the simulator, collects, runs the
// ETL, starts 'spinlog serve' and writes a static site. Prints one line per
// check: "PASS description" or "FAIL description: detail".
//   env: BASE (server URL), SITE (site folder), SIM_URL, ACCESS (a simulator
//   token), TRUTH (path of /_sim/truth), YEAR, SHOTS (screenshot folder),
//   PROFILE (a fresh user-data-dir)
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const env = process.env;
let failed = 0;
const pass = (d) => console.log(`PASS ${d}`);
const fail = (d, why) => { failed++; console.log(`FAIL ${d}: ${String(why).replace(/\n/g, ' ')}`); };
const check = (d, cond, why = '') => (cond ? pass(d) : fail(d, why));

async function simGet(p) {
  const r = await fetch(env.SIM_URL + p, { headers: { Authorization: `Bearer ${env.ACCESS}` } });
  if (!r.ok) throw new Error(`${p}: ${r.status}`);
  return r.json();
}

// The expected calendar, computed from the simulator's truth: plays the API
// lists (music, listed, not incognito), per UTC day (the test runs in UTC),
// winner = most plays, then most time (the API has no ms_played, so the
// track's duration), then the smaller track id.
async function expectedDays() {
  const truth = JSON.parse(fs.readFileSync(env.TRUTH, 'utf8'));
  const tracks = {};
  const days = {};
  for (const p of truth) {
    if (p.kind !== 'music' || !p.listed || p.incognito || !p.track_id) continue;
    if (!tracks[p.track_id]) tracks[p.track_id] = await simGet(`/v1/tracks/${p.track_id}`);
    const d = (days[p.ended_at.slice(0, 10)] ??= {});
    const c = (d[p.track_id] ??= [0, 0]);
    c[0] += 1;
    c[1] += tracks[p.track_id].duration_ms;
  }
  const out = {};
  for (const [date, d] of Object.entries(days)) {
    const [win] = Object.entries(d).sort((a, b) =>
      b[1][0] - a[1][0] || b[1][1] - a[1][1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))[0];
    out[date] = { track: win, album: tracks[win].album.id, name: tracks[win].name };
  }
  return { days: out, tracks };
}

const HOSTILE = '<img src=x onerror=alert(1)>';

async function main() {
  const { days, tracks } = await expectedDays();
  const context = await chromium.launchPersistentContext(env.PROFILE, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
  });
  const dialogs = [];
  context.on('page', (p) => p.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); }));
  const page = await context.newPage();
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  const shot = (name) => page.screenshot({ path: path.join(env.SHOTS, name), fullPage: true });

  // The calendar.
  await page.goto(`${env.BASE}/calendar-${env.YEAR}.html`);
  await page.waitForLoadState('load');
  const dates = Object.keys(days).sort();
  check('the truth has days to check', dates.length > 0, 'no plays in the truth');
  for (const date of dates) {
    const want = days[date];
    const cell = page.locator(`a.day[data-date="${date}"]`);
    if ((await cell.count()) !== 1) { fail(`calendar ${date}`, 'no linked day cell'); continue; }
    const info = await cell.evaluate((a) => {
      const img = a.querySelector('img');
      return { track: a.dataset.track, title: a.title, href: a.getAttribute('href'),
        src: img && img.getAttribute('src'), w: img ? img.naturalWidth : 0,
        complete: img ? img.complete : false };
    });
    check(`calendar ${date}: the winner is ${want.track}`, info.track === want.track,
      `got ${info.track}`);
    check(`calendar ${date}: the cover is album ${want.album}'s`,
      info.src === `covers/${want.album}.png` && info.w > 0, `got ${info.src} (${info.w} px)`);
    check(`calendar ${date}: hover names the song and says plays and minutes`,
      info.title.startsWith(want.name + ' — ') && / plays?, [0-9.]+ min/.test(info.title), info.title);
    check(`calendar ${date}: links to its plays`, info.href === `day-${date}.html`, info.href);
  }
  const empty = await page.locator('span.day.empty').count();
  check('empty days look empty (no image)', empty > 0 &&
    (await page.locator('span.day.empty img').count()) === 0, `${empty} empty days`);
  await shot('calendar.png');

  // A day's plays, from the calendar by clicking.
  await page.locator(`a.day[data-date="${dates[0]}"]`).click();
  await page.waitForLoadState('load');
  check('clicking a day opens its list of plays', page.url().endsWith(`day-${dates[0]}.html`) &&
    (await page.locator('table tr').count()) > 1, page.url());

  // The year in review.
  await page.goto(`${env.BASE}/year-${env.YEAR}.html`);
  const summary = await (await fetch(`${env.BASE}/api/summary?year=${env.YEAR}`)).json();
  check('year in review: plays agree with the API',
    (await page.locator('#plays').textContent()).trim() === String(summary.plays));
  check('year in review: says where listening time comes from',
    /estimated from the track's duration/.test(await page.locator('#time-note').textContent()));
  check('year in review: charts are inline SVG', (await page.locator('svg.chart').count()) >= 2);
  await shot('year.png');

  // The hostile track name, as text, running nothing.
  const hostile = Object.values(tracks).find((t) => t.name === HOSTILE);
  if (!hostile) {
    console.log('SKIP hostile track: the simulator did not play it in this window');
  } else {
    await page.goto(`${env.BASE}/track-${hostile.id}.html`);
    await page.waitForTimeout(300);
    check('the hostile track name shows as text',
      (await page.locator('h1 .track').textContent()) === HOSTILE);
    check('it created no <img src=x>', (await page.locator('img[src="x"]').count()) === 0);
    await shot('track-hostile.png');
    const date = Object.keys(days).find(() => true);
    await page.goto(`${env.BASE}/day-${date}.html`);
    await page.goto(`${env.BASE}/year-${env.YEAR}.html`);
    await page.waitForTimeout(300);
  }
  const texts = await page.evaluate(() => document.body.textContent);
  check('no raw markup leaked into the year page', !texts.includes('onerror') ||
    (await page.locator('img[src="x"]').count()) === 0);
  check('no script ran (no dialogs)', dialogs.length === 0, dialogs.join(', '));

  // The static site from file://, no server.
  await page.goto('file://' + path.join(env.SITE, 'index.html'));
  await page.locator(`a[href="calendar-${env.YEAR}.html"]`).first().click();
  await page.waitForLoadState('load');
  const first = dates[0];
  const st = await page.locator(`a.day[data-date="${first}"] img`).evaluate((i) =>
    ({ src: i.getAttribute('src'), w: i.naturalWidth }));
  check('static site opens from file:// and shows covers',
    st.src === `covers/${days[first].album}.png` && st.w > 0, JSON.stringify(st));
  await page.locator(`a.day[data-date="${first}"]`).click();
  await page.waitForLoadState('load');
  check('static site: day links work', page.url().startsWith('file://') &&
    page.url().endsWith(`day-${first}.html`), page.url());
  await shot('site-day.png');
  check('still no dialogs', dialogs.length === 0, dialogs.join(', '));
  await phoneChecks(page, dates, Object.keys(tracks));
  await everyPage(context, dates, Object.keys(tracks), dialogs);
  await context.close();
}

const RTL = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]/;

// At 390 px (a phone): nothing wider than the viewport, every chart inside
// its card, names isolated (dir=auto or <bdi>), and the calendar drawn only
// from the first to the last month with plays.
async function phoneChecks(page, dates, trackIds) {
  await page.setViewportSize({ width: 390, height: 844 });
  const track = trackIds[0];
  const pages = [`year-${env.YEAR}.html`, `calendar-${env.YEAR}.html`, `day-${dates[0]}.html`,
    `track-${track}.html`, `coverage-${env.YEAR}.html`];
  for (const p of pages) {
    await page.goto(`${env.BASE}/${p}`);
    await page.waitForLoadState('load');
    const r = await page.evaluate((rtl) => {
      const re = new RegExp(rtl);
      const out = { sw: document.documentElement.scrollWidth, iw: window.innerWidth,
        charts: 0, outside: [], bare: [] };
      for (const svg of document.querySelectorAll('svg.chart')) {
        out.charts++;
        const c = svg.closest('.card');
        const a = svg.getBoundingClientRect(), b = c ? c.getBoundingClientRect() : null;
        if (!b || a.left < b.left - 0.5 || a.right > b.right + 0.5 || a.width < 1)
          out.outside.push(`${svg.querySelector('title')?.textContent}: ${a.left}-${a.right}` +
            (b ? ` in ${b.left}-${b.right}` : ' in no card'));
      }
      const walk = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
      for (let n; (n = walk.nextNode());) {
        if (!re.test(n.data)) continue;
        const e = n.parentElement;
        if (!(e.localName === 'bdi' || e.getAttribute('dir') === 'auto')) out.bare.push(n.data);
      }
      return out;
    }, RTL.source);
    check(`390 px: ${p} is no wider than the viewport`, r.sw <= 390 && r.iw === 390,
      `scrollWidth ${r.sw}, innerWidth ${r.iw}`);
    check(`390 px: ${p}: every chart inside its card`, r.outside.length === 0, r.outside.join('; '));
    check(`${p}: right-to-left names are isolated (dir=auto or bdi)`, r.bare.length === 0,
      r.bare.join(' | '));
    await page.screenshot({ path: path.join(env.SHOTS, `390-${p.split('-')[0]}.png`), fullPage: true });
  }
  // The history is a few days: the calendar draws their months only.
  const months = [...new Set(dates.filter((d) => d.startsWith(env.YEAR)).map((d) => +d.slice(5, 7)))];
  const want = [];
  for (let m = Math.min(...months); m <= Math.max(...months); m++)
    want.push(new Date(Date.UTC(2000, m - 1, 1)).toLocaleString('en', { month: 'long', timeZone: 'UTC' }));
  await page.goto(`${env.BASE}/calendar-${env.YEAR}.html`);
  const got = await page.locator('section.month h2').allTextContents();
  check(`the calendar draws only the months with plays (${want.join(', ')})`,
    JSON.stringify(got) === JSON.stringify(want), JSON.stringify(got));
  // A list of artists keeps its order beside Latin text: the first name is
  // left of the second, whatever their directions.
  await page.goto(`${env.BASE}/year-${env.YEAR}.html`);
  const order = await page.evaluate(() => {
    const rtl = /[\u0590-\u08ff]/;
    const lists = [...document.querySelectorAll('span.artist')]
      .map((s) => [s, [...s.querySelectorAll('bdi')]]).filter(([, b]) => b.length > 1);
    // A list whose first name is right-to-left is the case that went wrong.
    const [s, b] = lists.find(([, b]) => rtl.test(b[0].textContent)) ?? lists[0] ?? [];
    if (!s) return null;
    const r = b.map((e) => e.getClientRects()[0]);
    const after = (p, q) => q.top > p.bottom - 1 || (Math.abs(q.top - p.top) < 1 && q.left > p.left);
    return { list: s.textContent, ordered: r.every((q, i) => !i || after(r[i - 1], q)) };
  });
  if (!order) console.log('SKIP artist order: no track with two artists this run');
  else check(`a list of artists reads in its order (${order.list})`, order.ordered, order.list);
}

// Every page type (issue 11), from the dashboard and from the static site
// at file://, at 390 and 1400 px: no wider than the viewport, every image
// loaded (or, when lazy and below the fold, its file there), every link resolving (the server answers 200; the site's file
// exists), no console error, no markup from a name (no img[src=x]), no
// dialog. A screenshot of each kind and width in SHOTS.
async function everyPage(context, dates, trackIds, dialogs) {
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  await page.goto(`${env.BASE}/year-${env.YEAR}.html`);
  const first = async (sel) => page.locator(sel).first().getAttribute('href').catch(() => null);
  const artist = await first('a[href^="artist-"]'), album = await first('a[href^="album-"]');
  await page.goto(`${env.BASE}/day-${dates[0]}.html`);
  const week = await first('a[href^="week-"]'), month = await first('a[href^="month-"]');
  const kinds = { index: 'index.html', calendar: `calendar-${env.YEAR}.html`,
    year: `year-${env.YEAR}.html`, day: `day-${dates[0]}.html`, track: `track-${trackIds[0]}.html`,
    coverage: `coverage-${env.YEAR}.html`, artist, album, alltime: 'alltime.html', week, month };
  for (const [k, v] of Object.entries(kinds)) check(`a ${k} page is linked`, !!v, 'no link found');
  const seen = new Set();
  for (const where of ['dashboard', 'site']) {
    const url = (p) => (where === 'site' ? 'file://' + path.join(env.SITE, p) : `${env.BASE}/${p}`);
    const pages = Object.entries(kinds).filter(([, v]) => v);
    if (where === 'dashboard') pages.push(['search', 'search.html?q=a']);
    for (const width of [390, 1400]) {
      await page.setViewportSize({ width, height: 900 });
      for (const [kind, p] of pages) {
        errors.length = 0;
        await page.goto(url(p));
        await page.waitForLoadState('load');
        const r = await page.evaluate(() => {
          const imgs = [...document.images];
          return { sw: document.documentElement.scrollWidth, iw: window.innerWidth,
            // a lazy image below the fold is not fetched yet: its address is checked below
            broken: imgs.filter((i) => i.complete && !i.naturalWidth).map((i) => i.getAttribute('src')),
            pending: imgs.filter((i) => !i.complete).map((i) => i.currentSrc || i.src),
            hostile: document.querySelectorAll('img[src="x"], script').length,
            links: [...document.querySelectorAll('a[href]')]
              .map((a) => new URL(a.getAttribute('href'), document.baseURI).href) };
        });
        const name = `${where} ${width} px: ${kind}`;
        check(`${name}: no wider than the viewport`, r.sw <= r.iw, `scrollWidth ${r.sw}, innerWidth ${r.iw}`);
        check(`${name}: every image loads`, r.broken.length === 0, r.broken.slice(0, 5).join(' '));
        check(`${name}: no console error`, errors.length === 0, errors.slice(0, 3).join(' | '));
        check(`${name}: no element made from a name`, r.hostile === 0, `${r.hostile} img[src=x] or script`);
        const bad = [];
        for (const l of [...r.links, ...r.pending]) {
          const u = l.split('#')[0];
          if (seen.has(u) || (!u.startsWith('file://') && !u.startsWith(env.BASE))) continue;
          seen.add(u);
          if (u.startsWith('file://')) {
            if (!fs.existsSync(decodeURIComponent(new URL(u).pathname))) bad.push(u);
          } else {
            const res = await page.request.get(u);
            if (res.status() !== 200) bad.push(`${u} ${res.status()}`);
          }
        }
        check(`${name}: every link and lazy image resolves`, bad.length === 0, bad.slice(0, 5).join(' '));
        await page.screenshot({ path: path.join(env.SHOTS, `${where}-${width}-${kind}.png`), fullPage: true });
      }
    }
  }
  check('no dialog on any page', dialogs.length === 0, dialogs.join(', '));
  await lookChecks(page, kinds); // r6-look (issue 11): dark mode, artist images
  await page.close();
}

main().then(() => process.exit(failed ? 1 : 0), (e) => { fail('browser run', e.stack || e); process.exit(1); });

// ---- r6-look (issue 11): dark mode and artist images ----
// Relative luminance of a CSS rgb()/rgba() colour, 0 (black) .. 1 (white).
function luminance(c) {
  const m = c.match(/[\d.]+/g).slice(0, 3).map(Number).map((v) => {
    const x = v / 255;
    return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * m[0] + 0.7152 * m[1] + 0.0722 * m[2];
}

async function lookChecks(page, kinds) {
  await page.setViewportSize({ width: 1400, height: 900 });
  const colours = async () => page.evaluate(() => {
    const cs = (sel) => { const e = document.querySelector(sel); return e ? getComputedStyle(e) : null; };
    const card = cs('.card'), link = cs('main a');
    return { bg: getComputedStyle(document.body).backgroundColor, fg: getComputedStyle(document.body).color,
      card: card ? card.backgroundColor : null, link: link ? link.color : null };
  });
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(`${env.BASE}/${kinds.year}`);
    const c = await colours();
    const bg = luminance(c.bg), fg = luminance(c.fg);
    const contrast = (Math.max(bg, fg) + 0.05) / (Math.min(bg, fg) + 0.05);
    if (scheme === 'dark') {
      check('dark mode: a dark page', bg < 0.05, `background ${c.bg}`);
      check('dark mode: dark cards', c.card && luminance(c.card) < 0.05, `card ${c.card}`);
      check('dark mode: links readable on it', c.link && luminance(c.link) > 0.3, `link ${c.link}`);
    } else {
      check('light mode: a light page', bg > 0.8, `background ${c.bg}`);
    }
    check(`${scheme} mode: text contrast at least 7:1`, contrast >= 7, `${c.fg} on ${c.bg}: ${contrast.toFixed(1)}`);
    await page.screenshot({ path: path.join(env.SHOTS, `dashboard-1400-year-${scheme}.png`), fullPage: true });
  }
  await page.emulateMedia({ colorScheme: 'light' });
  if (!kinds.artist) return;
  await page.goto(`${env.BASE}/${kinds.artist}`);
  const a = await page.evaluate(async () => {
    const img = document.querySelector('main img.cover.round, img.cover.round');
    // a loaded machine may not have it yet at 'load' (a lazy image): wait for
    // its own load or error, 10 s at most
    if (img && !img.complete)
      await new Promise((done) => {
        img.addEventListener('load', done, { once: true });
        img.addEventListener('error', done, { once: true });
        setTimeout(done, 10000);
      });
    const tile = document.querySelector('.tile.bigtile.round');
    const h1 = document.querySelector('h1');
    return { img: !!img, loaded: img ? img.complete && img.naturalWidth > 0 : false,
      alt: img ? img.alt : tile ? tile.getAttribute('aria-label') : null, name: h1 ? h1.textContent : null };
  });
  check('artist page: an image (or a tile) named by the artist', a.alt !== null && a.alt === a.name,
    `alt ${a.alt}, heading ${a.name}`);
  if (a.img) check('artist page: the artist image loads', a.loaded, 'not loaded');
}

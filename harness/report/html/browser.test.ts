/**
 * The HTML report in a real browser. Two scenarios from specs/ run on the postfix target (a
 * private real Postfix each), writeReports() writes the reports as `twinpost run` does, and
 * Debian's Chromium (/usr/bin/chromium, headless, driven by playwright-core; never a
 * downloaded browser) opens index.html. Checked: no console or page errors and no network
 * request; a section per scenario; the architecture and message-flow diagrams are rendered
 * SVG with the expected service labels and both arrow kinds (solid message moves, dashed
 * lookups, as the browser computes their style). A full-page screenshot is saved to
 * reports/screenshots/index.png. Without Chromium this test fails (it never skips): install it
 * with `apt-get install chromium` (npm test's pretest does so as root).
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { runScenario } from '../../scenario/run.ts';
import { writeReports } from '../../scenario/report.ts';
import { PROJECT_ROOT } from '../../scenario/load.ts';
import aliasReinjection from '../../../specs/local/alias-reinjection.ts';
import relayDenied from '../../../specs/smtpd/relay-denied.ts';
import { scratchDir } from '../../util/cleanup.ts';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = join(PROJECT_ROOT, 'reports', 'screenshots', 'index.png');

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

interface SvgFacts {
  labels: string[];
  message: number;
  support: number;
  /** Computed stroke-dasharray of the first message and first support arrow paths. */
  messageDash: string;
  supportDash: string;
  width: number;
  height: number;
}

/** What the browser made of one SVG diagram. */
function svgFacts(page: Page, selector: string): Promise<SvgFacts> {
  return page.locator(selector).evaluate((svg: SVGSVGElement) => {
    const dash = (sel: string) => {
      const p = svg.querySelector(`${sel}:not(.legend *) path`);
      return p ? getComputedStyle(p).strokeDasharray : 'absent';
    };
    const box = svg.getBoundingClientRect();
    return {
      labels: [...svg.querySelectorAll('.node .node-title, .node .node-sub')].map((t) => t.textContent ?? ''),
      message: svg.querySelectorAll('.arrow.message:not(.legend *)').length,
      support: svg.querySelectorAll('.arrow.support:not(.legend *)').length,
      messageDash: dash('.arrow.message'),
      supportDash: dash('.arrow.support'),
      width: box.width,
      height: box.height,
    };
  });
}

describe('HTML report in Chromium', () => {
  it('renders the report of a real run with both diagrams, no errors, a section per scenario', { timeout: 240_000 }, async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium; npm test's pretest does it as root)`);
    }
    const work = scratchDir('html-browser');
    let context: BrowserContext | undefined;
    try {
      const started = Date.now();
      const outcomes = [];
      for (const [file, scenario] of [
        ['specs/local/alias-reinjection.ts', aliasReinjection],
        ['specs/smtpd/relay-denied.ts', relayDenied],
      ] as const) {
        const o = await runScenario(scenario, 'postfix');
        expect(o.status, `${scenario.id}: ${o.error ?? JSON.stringify(o.failures)}`).toBe('passed');
        outcomes.push({ ...o, file });
      }
      const reportDir = join(work, 'reports');
      const files = writeReports(reportDir, { startedAt: new Date(started).toISOString(), durationMs: Date.now() - started, targets: ['postfix'], outcomes });
      const index = join(reportDir, 'index.html');
      expect(files).toContain(index);

      context = await chromium.launchPersistentContext(join(work, 'chromium-profile'), {
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
        viewport: { width: 1400, height: 1000 },
      });
      const page = await context.newPage();
      const problems: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('request', (r) => {
        if (!r.url().startsWith('file:')) requests.push(r.url());
      });
      await page.goto(pathToFileURL(index).href, { waitUntil: 'load' });

      expect(await page.title()).toBe('twinpost report — all 2 scenario runs passed');
      const sections = await page.locator('section.scenario').evaluateAll((els) => els.map((e) => e.getAttribute('data-scenario')));
      expect(sections).toEqual(['local/alias-reinjection', 'smtpd/relay-denied']);
      expect(await page.locator('#summary tr[data-target="postfix"] td.passed').textContent()).toBe('2');

      const arch = await svgFacts(page, '#architecture svg.architecture-diagram');
      expect(arch.labels).toEqual(expect.arrayContaining(['smtpd', 'cleanup', 'qmgr', 'smtp', 'local', 'relay', 'rewrite', 'trivial-rewrite', 'bounce']));
      expect(arch.message).toBeGreaterThan(10);
      expect(arch.support).toBeGreaterThan(5);
      expect(arch.messageDash).toBe('none');
      expect(arch.supportDash).toBe('6px, 4px');
      expect(arch.width).toBeGreaterThan(600);

      const flow = await svgFacts(page, 'section[data-scenario="local/alias-reinjection"] svg.flow-diagram');
      expect(flow.labels).toEqual(['smtpd', 'cleanup', 'qmgr', 'smtp', 'local', 'remote SMTP', 'mailbox', 'trivial-rewrite']);
      expect(flow.message).toBe(8);
      expect(flow.support).toBe(5);
      expect(flow.messageDash).toBe('none');
      expect(flow.supportDash).toBe('6px, 4px');
      const forwarded = page.locator('section[data-scenario="local/alias-reinjection"] .arrow.message[data-from="local"][data-to="cleanup"]');
      expect(await forwarded.getAttribute('data-qid')).toBe('Q2');

      const denied = await svgFacts(page, 'section[data-scenario="smtpd/relay-denied"] svg.flow-diagram');
      expect(denied.labels).toEqual(['smtpd', 'trivial-rewrite']);
      expect(denied.message).toBe(0);
      expect(denied.support).toBe(1);
      expect(await page.locator('section[data-scenario="smtpd/relay-denied"] .note').textContent()).toMatch(/reject RCPT: 554 5\.7\.1/);
      expect(await page.locator('section[data-scenario="smtpd/relay-denied"] details.transcript pre').first().textContent()).toMatch(/C: RCPT TO:<[^>]+>/);

      mkdirSync(join(PROJECT_ROOT, 'reports', 'screenshots'), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      expect(existsSync(SCREENSHOT)).toBe(true);

      expect(problems).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await context?.close();
      rmSync(work, { recursive: true, force: true });
    }
  });
});

/**
 * Debian's Chromium, headless, driven by playwright-core: one browser with a
 * fresh profile, an isolated context per person (own IndexedDB), axe-core
 * injected for accessibility checks, and a Tab walk for keyboard reach.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumFlags, chromiumPath, repoRoot } from '@kez/testkit';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');

export const ARTIFACTS = join(repoRoot, 'test-artifacts', 'web');

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    // playwright adds --headless itself and gives the browser a fresh temporary profile.
    args: chromiumFlags.filter((f) => f !== '--headless'),
    timeout: 60_000,
  });
}

export interface PersonPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors and console errors of the page. */
  errors: string[];
}

export async function openPage(browser: Browser, url: string): Promise<PersonPage> {
  // The page's CSP allows scripts from itself only; the test injects axe-core inline.
  const context = await browser.newContext({
    bypassCSP: true,
    viewport: { width: 1200, height: 900 },
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('response', (r) => {
    if (r.status() >= 500) errors.push(`HTTP ${r.status()} ${r.url()}`);
  });
  await page.goto(url);
  return { context, page, errors };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: number;
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const found = await page.evaluate(async () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- axe is injected at run time
    const r = await (window as any).axe.run(document, { resultTypes: ['violations'] });
    return (
      r.violations as { id: string; impact: string | null; help: string; nodes: unknown[] }[]
    ).map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length }));
  });
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Press Tab from the top of the page up to `max` times; what got focus, in order (id, else text). */
export async function tabWalk(page: Page, max = 40): Promise<string[]> {
  await page.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    window.scrollTo(0, 0);
  });
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const what = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return '';
      return el.id || `${el.tagName.toLowerCase()}:${(el.textContent ?? '').trim().slice(0, 30)}`;
    });
    if (what) seen.push(what);
  }
  return seen;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Debian's Chromium, headless, driven by playwright-core over CDP, with a
 * fresh profile directory per run. The page loads the bundles; `core()` and
 * `indep()` run a function against window.kezCore / window.kezIndep in it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { chromiumFlags, chromiumPath } from '@kez/testkit';
import type { CorePageApi, IndepPageApi } from './browser/api.js';

type Call<Api> = <K extends keyof Api>(
  method: K,
  ...args: Api[K] extends (...a: infer P) => unknown ? P : never
) => Promise<Api[K] extends (...a: never[]) => infer R ? Awaited<R> : never>;

export interface BrowserPage {
  /** Call window.kezCore[method](...args) in the page (arguments and result cross as JSON). */
  core: Call<CorePageApi>;
  /** Call window.kezIndep[method](...args) in the page. */
  indep: Call<IndepPageApi>;
  page: Page;
  /** Errors the page logged (uncaught exceptions, console.error). */
  errors: string[];
  close(): Promise<void>;
}

export async function openPage(url: string): Promise<BrowserPage> {
  const profile = mkdtempSync(join(tmpdir(), 'kez-crosstest-chromium-'));
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath(),
      headless: true,
      // playwright adds --headless itself and refuses --user-data-dir (the profile above is it).
      args: chromiumFlags.filter((f) => f !== '--headless'),
      timeout: 120_000,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(url);
    await page.waitForFunction(
      () => window.kezCore !== undefined && window.kezIndep !== undefined,
      null,
      {
        timeout: 120_000,
      },
    );
    const ctx = context;
    return {
      page,
      errors,
      core: ((method: string, ...args: unknown[]) =>
        page.evaluate(
          // eslint-disable-next-line @typescript-eslint/no-explicit-any -- dispatch by name across the page boundary
          ([m, a]) => (window.kezCore as any)[m](...a),
          [method, args] as const,
        )) as Call<CorePageApi>,
      indep: ((method: string, ...args: unknown[]) =>
        page.evaluate(
          // eslint-disable-next-line @typescript-eslint/no-explicit-any -- dispatch by name across the page boundary
          ([m, a]) => (window.kezIndep as any)[m](...a),
          [method, args] as const,
        )) as Call<IndepPageApi>,
      async close() {
        await ctx.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await context?.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
    throw e;
  }
}

/** Hash routes: `#/explore?q=github:jason`, `#/keys`, `#/chat`. */

export type Page = 'explore' | 'keys' | 'chat';

export interface Route {
  page: Page;
  /** The explorer's query, when the link carries one. */
  q?: string;
}

/**
 * @example parseRoute('#/explore?q=github%3Ajason') // { page: 'explore', q: 'github:jason' }
 */
export function parseRoute(hash: string): Route {
  const m = /^#\/(explore|keys|chat)(?:\?(.*))?$/.exec(hash);
  if (!m) return { page: 'explore' };
  const route: Route = { page: m[1] as Page };
  const q = new URLSearchParams(m[2] ?? '').get('q');
  if (q) route.q = q;
  return route;
}

/** @example routeHash({ page: 'explore', q: 'dns:example.com' }) // '#/explore?q=dns%3Aexample.com' */
export function routeHash(route: Route): string {
  return `#/${route.page}${route.q ? `?q=${encodeURIComponent(route.q)}` : ''}`;
}

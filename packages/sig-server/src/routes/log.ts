/**
 * The transparency log (RFC 6962 hashing, C2SP checkpoints):
 * GET /v1/log                              signed head as JSON (origin, key, size, root, checkpoint)
 * GET /v1/log/checkpoint                   the signed note alone (text/plain)
 * GET /v1/log/proof/inclusion?leaf=&size=  audit path of a leaf
 * GET /v1/log/proof/consistency?from=&to=  the tree of `from` leaves is a prefix of the tree of `to`
 * GET /v1/log/leaves/{leaf}                what a leaf is (chain, seq, id, the event)
 */
import { formatKeyRef, toHex } from '@kez/core';
import { HttpError } from '../http/errors.js';
import { intParam } from '../http/query.js';
import type { RouteDeps } from './context.js';

const MAX = Number.MAX_SAFE_INTEGER;

export function logRoutes(deps: RouteDeps): void {
  const tlog = deps.tlog;
  const key = formatKeyRef('ed25519', tlog.signer.publicKey);

  deps.routes.get(
    '/v1/log',
    async (c) => {
      const h = await tlog.head();
      return c.json({
        origin: h.origin,
        key,
        size: h.size,
        root: toHex(h.root),
        checkpoint: h.checkpoint,
      });
    },
    { deadline: true },
  );

  deps.routes.get(
    '/v1/log/checkpoint',
    async (c) => {
      const h = await tlog.head();
      c.header('Content-Type', 'text/plain; charset=utf-8');
      return c.body(h.checkpoint);
    },
    { deadline: true },
  );

  deps.routes.get(
    '/v1/log/proof/inclusion',
    async (c) => {
      const size = await tlog.size();
      const treeSize = intParam(c.req.query('size'), 'size', 1, size, size);
      const leaf = intParam(c.req.query('leaf'), 'leaf', 0, MAX, -1);
      if (leaf < 0) throw new HttpError('malformed', 'query parameter "leaf" is required');
      if (leaf >= treeSize)
        throw new HttpError('malformed', `leaf ${leaf} is not in a tree of ${treeSize} leaves`);
      const proof = await tlog.inclusion(leaf, treeSize);
      return c.json({ leaf, size: treeSize, proof: proof.map(toHex) });
    },
    { deadline: true },
  );

  deps.routes.get(
    '/v1/log/proof/consistency',
    async (c) => {
      const size = await tlog.size();
      const to = intParam(c.req.query('to'), 'to', 0, size, size);
      const from = intParam(c.req.query('from'), 'from', 0, to, -1);
      if (from < 0) throw new HttpError('malformed', 'query parameter "from" is required');
      const proof = await tlog.consistency(from, to);
      return c.json({ from, to, proof: proof.map(toHex) });
    },
    { deadline: true },
  );

  deps.routes.get(
    '/v1/log/leaves/:leaf',
    async (c) => {
      const leaf = intParam(c.req.param('leaf'), 'leaf', 0, MAX, 0);
      const row = await deps.store.leafEvent(leaf);
      if (!row) throw new HttpError('not_found', `the log has no leaf ${leaf}`);
      return c.json({
        leaf,
        chain: row.chain,
        seq: row.seq,
        id: row.id,
        primary: row.primary,
        event: JSON.parse(row.body) as unknown,
      });
    },
    { deadline: true },
  );
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { candidateFiles, checkRawUrl, hasNextPage, rateLimitOf, readGistList } from './match.js';

const gist = (id: string, owner: string, files: Record<string, number>, pub = true) => ({
  id,
  public: pub,
  description: null,
  owner: { login: owner },
  files: Object.fromEntries(
    Object.entries(files).map(([name, size]) => [
      name,
      {
        filename: name,
        size,
        raw_url: `https://gist.githubusercontent.com/${owner}/${id}/raw/${'a'.repeat(40)}/${name}`,
      },
    ]),
  ),
});

test('gist lists: shape, owner lowercased, candidates (kez-proof.* first, size cap, public only, no sigchain)', () => {
  const list = readGistList([
    gist('1', 'Alice', {
      'notes.txt': 10,
      'kez-proof.md': 10,
      'big.txt': 70000,
      'kez-sigchain.jsonl': 10,
    }),
    gist('2', 'Alice', { 'secret.md': 10 }, false),
  ])!;
  assert.equal(list[0]!.owner, 'alice');
  assert.deepEqual(
    candidateFiles(list, 65536).map((c) => c.file.filename),
    ['kez-proof.md', 'notes.txt'],
  );
  assert.equal(readGistList({ message: 'Not Found' }), undefined);
  assert.equal(readGistList([{ id: 1 }]), undefined);
});

test('Link header rel="next"', () => {
  assert.equal(
    hasNextPage('<https://x/?page=2>; rel="next", <https://x/?page=9>; rel="last"'),
    true,
  );
  assert.equal(
    hasNextPage('<https://x/?page=1>; rel="first", <https://x/?page=1>; rel="prev"'),
    false,
  );
  assert.equal(hasNextPage('<https://x/?page=2>; rel="prev next"'), true);
  assert.equal(hasNextPage(null), false);
});

test('rate limits: 403/429 with remaining 0 or retry-after, reset time in the detail', () => {
  const h = (o: Record<string, string>) => new Headers(o);
  assert.match(
    rateLimitOf(403, h({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1764000000' }))!
      .detail,
    /resets at 2025-11-24T16:00:00\.000Z/,
  );
  assert.match(rateLimitOf(403, h({ 'retry-after': '60' }))!.detail, /retry after 60 s/);
  assert.ok(rateLimitOf(429, h({})));
  assert.equal(rateLimitOf(403, h({ 'x-ratelimit-remaining': '12' })), undefined);
  assert.equal(rateLimitOf(404, h({ 'x-ratelimit-remaining': '0' })), undefined);
});

test('raw URLs only on the raw origin and under the owner', () => {
  const raw = 'https://gist.githubusercontent.com';
  assert.equal(checkRawUrl(`${raw}/alice/1/raw/x/f`, raw, 'alice'), undefined);
  assert.equal(checkRawUrl(`${raw}/Alice/1/raw/x/f`, raw, 'alice'), undefined);
  assert.match(checkRawUrl(`${raw}/bob/1/raw/x/f`, raw, 'alice')!, /not under \/alice\//);
  assert.match(checkRawUrl('https://evil.example/alice/1', raw, 'alice')!, /not on/);
  assert.match(checkRawUrl('::', raw, 'alice')!, /not a URL/);
});

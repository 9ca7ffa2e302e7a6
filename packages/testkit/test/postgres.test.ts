import { test } from 'node:test';
import assert from 'node:assert/strict';
import postgres from 'postgres';
import { startPostgres } from '@kez/testkit';

test('postgres: a throw-away cluster answers queries over TCP', async () => {
  await using pg = await startPostgres();
  assert.match(pg.url, /^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
  const sql = postgres(pg.url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ one: number }[]>`select 1 as one`;
    assert.equal(row?.one, 1);
  } finally {
    await sql.end();
  }

  const url = await pg.createDatabase();
  const db = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await db`create table t (v text)`;
    await db`insert into t values ('kez')`;
    const [row] = await db<{ v: string; d: string }[]>`select v, current_database() as d from t`;
    assert.equal(row?.v, 'kez');
    assert.equal(row?.d, new URL(url).pathname.slice(1));
  } finally {
    await db.end();
  }
});

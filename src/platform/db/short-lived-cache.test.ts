import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ShortLivedCache } from './short-lived-cache.js';

describe('short-lived cache of database reads', () => {
  it('shares one read among requests within the maximum age, reads again after it, and does not keep a failed read', async () => {
    const reads: string[] = [];
    let fail = false;
    const cache = new ShortLivedCache(300, async (key) => {
      reads.push(key);
      if (fail) throw new Error('database down');
      return `${key}:${reads.length}`;
    });
    assert.deepEqual(await Promise.all([cache.get('a'), cache.get('a'), cache.get('b')]), ['a:1', 'a:1', 'b:2']);
    cache.forget('a');
    assert.equal(await cache.get('a'), 'a:3');
    await new Promise((resolve) => setTimeout(resolve, 350));
    fail = true;
    await assert.rejects(cache.get('a'), /database down/);
    fail = false;
    assert.equal(await cache.get('a'), 'a:5', 'the failed read was not kept');
    assert.equal(await cache.get('a'), 'a:5');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createGroupCommit } from './group-commit.js';

/** A writer that records its batches and finishes each one when told to. */
function recordingWriter(fail: (item: number) => boolean = () => false) {
  const batches: Array<{ key: string; items: number[]; finish: () => void }> = [];
  const write = (key: string, items: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      batches.push({
        key,
        items,
        finish: () => (items.some(fail) ? reject(new Error(`bad item in ${items.join(',')}`)) : resolve(items.map((i) => `${key}:${i}`))),
      });
    });
  return { batches, write };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('group commit', () => {
  it('writes items of one turn together, and those arriving while the slots are busy in the next batch', async () => {
    const { batches, write } = recordingWriter();
    const submit = createGroupCommit({ maxInFlight: 1, maxBatch: 10, write });
    const results = [1, 2].map((i) => submit('a', i));
    await tick();
    assert.deepEqual(batches.map((b) => b.items), [[1, 2]]);
    results.push(submit('a', 3));
    await tick();
    results.push(submit('a', 4));
    await tick();
    assert.deepEqual(batches.map((b) => b.items), [[1, 2]], 'the only slot is busy');
    batches[0]!.finish();
    await tick();
    assert.deepEqual(batches.map((b) => b.items), [[1, 2], [3, 4]]);
    batches[1]!.finish();
    assert.deepEqual(await Promise.all(results), ['a:1', 'a:2', 'a:3', 'a:4']);
  });

  it('writes alone what comes alone, keeps keys apart and caps batches at maxBatch', async () => {
    const { batches, write } = recordingWriter();
    const submit = createGroupCommit({ maxInFlight: 2, maxBatch: 2, write });
    const first = submit('a', 1);
    await tick();
    assert.deepEqual(batches.map((b) => b.items), [[1]]);
    batches[0]!.finish();
    assert.equal(await first, 'a:1');
    const results = [submit('a', 2), submit('b', 1), submit('a', 3), submit('a', 4), submit('a', 5), submit('a', 6), submit('a', 7)];
    await tick();
    assert.deepEqual(batches.slice(1).map((b) => [b.key, b.items]), [['a', [2, 3]], ['a', [4, 5]], ['b', [1]]]);
    batches[1]!.finish();
    await tick();
    assert.deepEqual(batches.slice(4).map((b) => [b.key, b.items]), [['a', [6, 7]]]);
    for (const batch of batches.slice(2)) batch.finish();
    assert.deepEqual(await Promise.all(results), ['a:2', 'b:1', 'a:3', 'a:4', 'a:5', 'a:6', 'a:7']);
  });

  it('writes a failed batch again item by item, so only the bad item fails', async () => {
    const { batches, write } = recordingWriter((i) => i === 3);
    const submit = createGroupCommit({ maxInFlight: 1, maxBatch: 10, write });
    const results = [1, 2, 3, 4].map((i) => submit('a', i).catch((error: Error) => error.message));
    await tick();
    assert.deepEqual(batches.map((b) => b.items), [[1, 2, 3, 4]]);
    batches[0]!.finish();
    await tick();
    assert.deepEqual(batches.slice(1).map((b) => b.items), [[1], [2], [3], [4]]);
    for (const batch of batches.slice(1)) batch.finish();
    assert.deepEqual(await Promise.all(results), ['a:1', 'a:2', 'bad item in 3', 'a:4']);
  });

  it('refuses a writer that answers with the wrong number of results', async () => {
    const submit = createGroupCommit({ maxInFlight: 1, maxBatch: 10, write: async () => [] as string[] });
    await assert.rejects(submit('a', 1), /0 results for 1 items/);
  });
});

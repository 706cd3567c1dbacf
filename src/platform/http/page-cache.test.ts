import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { PageCache } from './page-cache.js';

describe('page cache', () => {
  it('renders a page once, and keeps its memory within the bound by starting afresh when full', async () => {
    const cache = new PageCache(2_000);
    const rendered: string[] = [];
    const app = Fastify();
    app.get('/:page', (request, reply) => {
      const page = (request.params as { page: string }).page;
      return cache.send(request, reply, page, () => {
        rendered.push(page);
        return `<p>${page.repeat(300)}</p>`;
      });
    });
    const get = async (page: string) => (await app.inject({ url: `/${page}` })).body;
    assert.equal(await get('a'), await get('a'));
    assert.deepEqual(rendered, ['a']);
    // Each page takes ~600 bytes (two bytes a character): the fourth does not fit beside the others.
    for (const page of ['b', 'c', 'd']) await get(page);
    await get('a');
    assert.deepEqual(rendered, ['a', 'b', 'c', 'd', 'a']);
    await app.close();
  });
});

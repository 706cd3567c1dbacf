import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { PageCache } from './page-cache.js';

describe('page cache', () => {
  it('renders a page once, and keeps its memory within the bound by starting afresh when full', async () => {
    const cache = new PageCache({ maxBytes: 2_000 });
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

  it('renders a page once for requests that miss it at the same time, again after its maximum age, and at once when forgotten', async () => {
    const cache = new PageCache({ maxAgeMs: 500 });
    let renderings = 0;
    const app = Fastify();
    app.get('/:page', (request, reply) => cache.send(request, reply, `town|${(request.params as { page: string }).page}`, async () => {
      renderings++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return `<p>rendering ${renderings}</p>`;
    }));
    const get = async (page = 'a') => (await app.inject({ url: `/${page}` })).body;
    assert.deepEqual(await Promise.all([get(), get(), get()]), Array(3).fill('<p>rendering 1</p>'));
    assert.equal(await get(), '<p>rendering 1</p>');
    await new Promise((resolve) => setTimeout(resolve, 550));
    assert.equal(await get(), '<p>rendering 2</p>', 'too old: rendered anew');
    cache.forget('town|');
    const during = get();
    await new Promise((resolve) => setTimeout(resolve, 5));
    cache.forget('town|');
    // The rendering under way when the change happened is not kept: the next request renders anew.
    assert.equal(await during, '<p>rendering 3</p>');
    assert.equal(await get(), '<p>rendering 4</p>');
    cache.forget('other town|');
    assert.equal(await get(), '<p>rendering 4</p>');
    await app.close();
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../config.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { TestBrowser } from '../../test-support/browser.js';

describe('HTTP platform', () => {
  let app: TestApp;
  let host: string;
  before(async () => {
    app = await buildTestApp({ SUBMISSION_RATE_LIMIT: '3' });
    ({ host } = await app.createTown());
  });
  after(() => app.close());

  it('sends a strict CSP without inline script and the other security headers on every page', async () => {
    const response = await app.app.inject({ url: '/', headers: { host } });
    const csp = String(response.headers['content-security-policy']);
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
    assert.equal(response.headers['referrer-policy'], 'no-referrer');
    assert.doesNotMatch(response.body, /<script(?![^>]*\bsrc=)/, 'no inline script elements');
  });

  it('serves each town on its own host and refuses unknown hosts', async () => {
    const other = await app.createTown();
    const a = await app.app.inject({ url: '/', headers: { host } });
    const b = await app.app.inject({ url: '/', headers: { host: other.host } });
    assert.notEqual(a.body.match(/<title>([^<]*)/)?.[1], b.body.match(/<title>([^<]*)/)?.[1]);
    assert.equal((await app.app.inject({ url: '/', headers: { host: 'evil.example' } })).statusCode, 404);
    assert.equal((await app.app.inject({ url: '/healthz', headers: { host: 'evil.example' } })).statusCode, 200);
  });

  it('keeps sessions server-side in a __Host- cookie', async () => {
    const response = await app.app.inject({ url: '/leistungen/kontakt-beschwerde/antrag', headers: { host } });
    const cookie = String(response.headers['set-cookie']);
    assert.match(cookie, /^__Host-rathaus=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; Secure; SameSite=Lax/);
  });

  it('has per-town legal pages', async () => {
    for (const url of ['/impressum', '/datenschutz', '/barrierefreiheit']) {
      const response = await app.app.inject({ url, headers: { host } });
      assert.equal(response.statusCode, 200);
      assert.match(response.body, /Teststadt/);
    }
  });

  it('limits submissions per client', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await app.app.inject({ method: 'POST', url: '/api/v1/services/kontakt-beschwerde/submissions', headers: { host }, payload: { answers: {} } });
      statuses.push(response.statusCode);
    }
    assert.deepEqual(statuses.slice(0, 3), [422, 422, 422]);
    assert.equal(statuses[4], 429);
  });

  it('does not log query strings, which may hold what citizens typed', async () => {
    await app.app.inject({ url: '/leistungen?q=Geheimer-Suchbegriff-4711', headers: { host } });
    await app.app.inject({ url: `/leistungen?q=${'Geheimer-Suchbegriff-4711'.repeat(20)}`, headers: { host } });
    assert.ok(app.logs.length > 0, 'the test sees the log');
    assert.equal(app.logs.filter((l) => l.includes('Geheimer-Suchbegriff-4711')).length, 0);
  });

  it('returns only to same-site paths from the language switch', async () => {
    const browser = new TestBrowser(app.app, host);
    assert.equal((await browser.get('/sprache?lang=en&zurueck=//evil.example/')).headers.location, '/');
    assert.equal((await browser.get('/sprache?lang=en&zurueck=https://evil.example/')).headers.location, '/');
    assert.equal((await browser.get('/sprache?lang=en&zurueck=/leistungen?q=hund')).headers.location, '/leistungen?q=hund');
  });
});

describe('configuration', () => {
  it('names every invalid variable', () => {
    assert.throws(() => loadConfig({ PORT: 'abc', DATABASE_URL: 'nope' }), /PORT[\s\S]*DATABASE_URL|DATABASE_URL[\s\S]*PORT/);
  });
  it('has working defaults for a laptop', () => {
    const config = loadConfig({});
    assert.equal(config.port, 3000);
    assert.equal(config.dataDir, './data');
    assert.equal(config.databaseUrl, undefined);
  });
});

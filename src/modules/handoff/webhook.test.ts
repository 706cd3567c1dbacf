import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { classifyAttempt } from './handoff.js';
import { checkTargetUrl, guardedLookup, isPrivateAddress, type TargetRules } from './target-url.js';
import { isWebhookSecret, newWebhookSecret, signWebhook, verifyWebhook } from './webhook-signature.js';
import { postWebhook } from './webhook-sender.js';

const production: TargetRules = { production: true, allowPrivate: false };
const development: TargetRules = { production: false, allowPrivate: false };

describe('Standard Webhooks signatures', () => {
  it('reproduces the specification\'s published test vector', () => {
    assert.equal(
      signWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}'),
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });

  it('verifies its own signatures and refuses a changed body, another secret or an old timestamp', () => {
    const secret = newWebhookSecret();
    const now = Math.floor(Date.now() / 1000);
    const headers = { id: 'd1', timestamp: String(now), signature: signWebhook(secret, 'd1', now, '{"a":1}') };
    assert.equal(verifyWebhook(secret, headers, '{"a":1}'), true);
    assert.equal(verifyWebhook(secret, { ...headers, signature: `v1,bm9wZQ== ${headers.signature}` }, '{"a":1}'), true, 'one matching signature of several suffices (rotation)');
    assert.equal(verifyWebhook(secret, headers, '{"a":2}'), false);
    assert.equal(verifyWebhook(newWebhookSecret(), headers, '{"a":1}'), false);
    assert.equal(verifyWebhook(secret, { ...headers, id: 'd2' }, '{"a":1}'), false, 'the id is signed too');
    const old = now - 600;
    assert.equal(verifyWebhook(secret, { id: 'd1', timestamp: String(old), signature: signWebhook(secret, 'd1', old, '{"a":1}') }, '{"a":1}'), false);
  });

  it('accepts only whsec_ secrets of 24 to 64 bytes', () => {
    assert.equal(isWebhookSecret(newWebhookSecret()), true);
    assert.equal(isWebhookSecret('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'), true);
    assert.equal(isWebhookSecret('whsec_c2hvcnQ='), false, 'too short');
    assert.equal(isWebhookSecret('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'), false, 'no prefix');
    assert.equal(isWebhookSecret('whsec_not base64 at all!!!!!!!!!!!!!!!'), false);
    assert.throws(() => signWebhook('geheim', 'd1', 1, '{}'), /whsec_/);
  });
});

describe('target URLs (SSRF)', () => {
  it('requires https in production and allows http only for localhost elsewhere', () => {
    assert.equal(checkTargetUrl('https://fachverfahren.example.org/eingang', production).ok, true);
    assert.deepEqual(checkTargetUrl('http://fachverfahren.example.org/eingang', production), { ok: false, reason: 'https is required in production' });
    assert.equal(checkTargetUrl('http://127.0.0.1:8080/x', development).ok, true);
    assert.equal(checkTargetUrl('http://localhost:8080/x', development).ok, true);
    assert.match((checkTargetUrl('http://fachverfahren.example.org/x', development) as { reason: string }).reason, /only for localhost/);
    assert.equal(checkTargetUrl('http://127.0.0.1:8080/x', production).ok, false);
  });

  it('refuses other schemes, credentials, fragments and what is no URL', () => {
    assert.match((checkTargetUrl('ftp://example.org/x', development) as { reason: string }).reason, /only https/);
    assert.match((checkTargetUrl('https://user:pw@example.org/x', development) as { reason: string }).reason, /user name or password/);
    assert.match((checkTargetUrl('https://example.org/x#frag', development) as { reason: string }).reason, /fragment/);
    assert.match((checkTargetUrl('fachverfahren', development) as { reason: string }).reason, /not a valid URL/);
    assert.match((checkTargetUrl(`https://example.org/${'x'.repeat(2001)}`, development) as { reason: string }).reason, /longer than 2000/);
  });

  it('refuses private and local address literals in production unless allowed', () => {
    for (const url of ['https://10.1.2.3/x', 'https://169.254.169.254/latest/meta-data', 'https://[::1]/x', 'https://[fd00::1]/x', 'https://192.168.0.10/x', 'https://[::ffff:127.0.0.1]/x']) {
      assert.equal(checkTargetUrl(url, production).ok, false, url);
      assert.equal(checkTargetUrl(url, { production: true, allowPrivate: true }).ok, true, url);
    }
    assert.equal(checkTargetUrl('https://93.184.215.14/x', production).ok, true);
  });

  it('knows private from public addresses', () => {
    for (const a of ['10.0.0.1', '172.20.1.1', '192.168.1.1', '127.0.0.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fe80::1', 'fd12:3456::1', '::ffff:10.0.0.1', '224.0.0.1']) assert.equal(isPrivateAddress(a), true, a);
    for (const a of ['93.184.215.14', '8.8.8.8', '172.32.0.1', '2001:4860:4860::8888']) assert.equal(isPrivateAddress(a), false, a);
  });
});

describe('posting a webhook', () => {
  let server: http.Server;
  let port: number;
  let requests = 0;
  before(async () => {
    server = http.createServer((request, response) => {
      requests++;
      if (request.url === '/haengt') return; // never answers
      if (request.url === '/weiter') return response.writeHead(302, { location: 'http://127.0.0.1:1/' }).end();
      response.writeHead(422, { 'content-type': 'text/plain' }).end('Feld\u0000 "reference" fehlt\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it('reports the status and the start of the body, without control characters', async () => {
    const result = await postWebhook(new URL(`http://127.0.0.1:${port}/eingang`), { 'content-type': 'application/json' }, '{}', { timeoutMs: 2000 });
    assert.deepEqual(result, { kind: 'response', status: 422, excerpt: 'Feld "reference" fehlt' });
    assert.deepEqual(classifyAttempt(result), { kind: 'failed', httpStatus: 422, reason: 'HTTP 422: Feld "reference" fehlt' });
  });

  it('does not follow redirects', async () => {
    const result = await postWebhook(new URL(`http://127.0.0.1:${port}/weiter`), {}, '{}', { timeoutMs: 2000 });
    const outcome = classifyAttempt(result);
    assert.equal(outcome.kind, 'failed');
    assert.match((outcome as { reason: string }).reason, /^HTTP 302 \(redirects are not followed/);
  });

  it('gives up on a receiver that does not answer, to try again later', async () => {
    const started = Date.now();
    const result = await postWebhook(new URL(`http://127.0.0.1:${port}/haengt`), {}, '{}', { timeoutMs: 300 });
    assert.ok(Date.now() - started < 2000);
    assert.equal(result.kind, 'noResponse');
    assert.equal(classifyAttempt(result).kind, 'retry');
    assert.match((result as { reason: string }).reason, /no response within 0.3 s/);
  });

  it('refuses a host name that resolves to a local address under production rules, before connecting', async () => {
    const before = requests;
    const result = await postWebhook(new URL(`http://localhost:${port}/eingang`), {}, '{}', { timeoutMs: 2000, lookup: guardedLookup(production) });
    assert.equal(result.kind, 'noResponse');
    assert.equal((result as { refused: boolean }).refused, true);
    assert.match((result as { reason: string }).reason, /localhost resolves to .*private or local address/);
    assert.equal(classifyAttempt(result).kind, 'failed');
    assert.equal(requests, before, 'no request reached the server');
    assert.equal(guardedLookup({ production: true, allowPrivate: true }), undefined);
  });

  it('classifies answers: 2xx delivered, 408/429/5xx retried, other 4xx final', () => {
    const of = (status: number) => classifyAttempt({ kind: 'response', status, excerpt: '' }).kind;
    assert.deepEqual([200, 201, 204].map(of), ['delivered', 'delivered', 'delivered']);
    assert.deepEqual([408, 429, 500, 502, 503].map(of), ['retry', 'retry', 'retry', 'retry', 'retry']);
    assert.deepEqual([400, 401, 404, 410, 422].map(of), ['failed', 'failed', 'failed', 'failed', 'failed']);
    assert.equal(classifyAttempt({ kind: 'noResponse', refused: false, reason: 'ECONNREFUSED' }).kind, 'retry');
  });
});

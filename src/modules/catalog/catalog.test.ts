import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { preferredEncoding } from '../../platform/http/page-cache.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { stemGerman } from './german-stemmer.js';

describe('catalog search', () => {
  let app: TestApp;
  let tenantId: string;
  let host: string;
  before(async () => {
    app = await buildTestApp();
    ({ tenant: { id: tenantId }, host } = await app.createTown());
  });
  after(() => app.close());

  const ids = async (q: string) => (await app.catalog.search(tenantId, q)).map((e) => e.service.definition.id);

  it('finds "Hund anmelden" and "Hundesteuer" for "hund"', async () => {
    const found = await ids('hund');
    assert.ok(found.includes('hund-anmelden') && found.includes('hundesteuer'));
  });

  it('tolerates typos', async () => assert.ok((await ids('hundesteur')).includes('hundesteuer')));

  it('understands German word forms and compounds', async () => {
    assert.equal(stemGerman('Anmeldungen'), stemGerman('Anmeldung'));
    assert.ok((await ids('Anmeldungen')).includes('sperrmuell-anmeldung'));
    assert.ok((await ids('Steuer')).includes('hundesteuer'));
    assert.ok((await ids('Müll')).includes('sperrmuell-anmeldung'));
    assert.ok((await ids('Gerüst')).includes('sondernutzung'));
    assert.ok((await ids('Außengastronomie')).includes('sondernutzung'));
  });

  it('returns nothing for nonsense and copes with odd input', async () => {
    assert.deepEqual(await ids('xqzvwpl'), []);
    assert.deepEqual(await ids('   '), []);
    assert.doesNotThrow(() => ids('"<script>%00'.repeat(50)));
  });

  it('renders search results and life situations as pages', async () => {
    const page = await app.app.inject({ url: '/leistungen?q=hund', headers: { host } });
    assert.match(page.body, /href="\/leistungen\/hund-anmelden"/);
    const situation = await app.app.inject({ url: '/leistungen?lebenslage=abfall', headers: { host } });
    assert.match(situation.body, /sperrmuell-anmeldung/);
    assert.doesNotMatch(situation.body, /hund-anmelden/);
    for (const lebenslage of ['bauen', 'gewerbe']) assert.match((await app.app.inject({ url: `/leistungen?lebenslage=${lebenslage}`, headers: { host } })).body, /href="\/leistungen\/sondernutzung"/);
    const again = await app.app.inject({ url: '/leistungen?q=hund', headers: { host, 'if-none-match': page.headers.etag as string } });
    assert.equal(again.statusCode, 304);
  });

  it('sends cached pages compressed to clients that accept it, with a validator per encoding', async () => {
    const plain = await app.app.inject({ url: '/leistungen', headers: { host } });
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.match(String(plain.headers.vary), /Accept-Encoding/);
    const br = await app.app.inject({ url: '/leistungen', headers: { host, 'accept-encoding': 'gzip, deflate, br' } });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(brotliDecompressSync(br.rawPayload).toString(), plain.body);
    assert.ok(br.rawPayload.length < plain.rawPayload.length / 2);
    const gzip = await app.app.inject({ url: '/leistungen', headers: { host, 'accept-encoding': 'br;q=0, gzip' } });
    assert.equal(gzip.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(gzip.rawPayload).toString(), plain.body);
    assert.deepEqual(new Set([plain.headers.etag, br.headers.etag, gzip.headers.etag]).size, 3);
    // A validator of one representation does not stand for another.
    const notModified = await app.app.inject({ url: '/leistungen', headers: { host, 'accept-encoding': 'br', 'if-none-match': br.headers.etag as string } });
    assert.equal(notModified.statusCode, 304);
    const other = await app.app.inject({ url: '/leistungen', headers: { host, 'if-none-match': br.headers.etag as string } });
    assert.equal(other.statusCode, 200);
    assert.equal(other.body, plain.body);
  });

  it('reads Accept-Encoding as HTTP defines it', () => {
    assert.equal(preferredEncoding(undefined), undefined);
    assert.equal(preferredEncoding('identity'), undefined);
    assert.equal(preferredEncoding('gzip, deflate, br, zstd'), 'br');
    assert.equal(preferredEncoding('GZIP'), 'gzip');
    assert.equal(preferredEncoding('br;q=0, gzip;q=0.5'), 'gzip');
    assert.equal(preferredEncoding('*'), 'br');
    assert.equal(preferredEncoding('*;q=0, deflate'), undefined);
    assert.equal(preferredEncoding('br;q=abc'), undefined);
  });

  it('shows a service page with everything a citizen needs', async () => {
    const page = await app.app.inject({ url: '/leistungen/meldebescheinigung', headers: { host } });
    for (const heading of ['Gebühren', 'Rechtsgrundlage', 'Bearbeitungsdauer', 'Zuständige Stelle']) assert.match(page.body, new RegExp(heading));
    assert.match(page.body, /10,00\s€/);
    assert.match((await app.app.inject({ url: '/leistungen/personalausweis', headers: { host } })).body, /Erforderliche Unterlagen/);
    assert.match(page.body, /href="\/leistungen\/meldebescheinigung\/antrag"/);
    assert.equal((await app.app.inject({ url: '/leistungen/gibt-es-nicht', headers: { host } })).statusCode, 404);
  });
});

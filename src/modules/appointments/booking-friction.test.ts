import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { inTransaction } from '../../platform/db/database.js';
import { buildTestApp, type TestApp } from '../../test-support/app.js';
import { TestBrowser } from '../../test-support/browser.js';
import type { Tenant } from '../tenants/tenant.js';
import { seedAppointmentLocation } from './appointments.seed.js';
import { checkFriction, issueChallenge, secondsWithoutWork, slotPurpose, solveChallenge, waitlistPurpose, workBits } from './booking-friction.js';

const key = randomBytes(32);
const place = '6f1c1f5e-8a3b-4c55-9d7e-0a1b2c3d4e5f';
const slotOf = (start: string, choices = 'p_personalausweis=1') => slotPurpose({ locationId: place, start: new Date(start), choices });
const slot = slotOf('2026-12-01T08:00:00Z');
const issuedAt = new Date('2026-11-23T10:00:00Z');
const later = (seconds: number) => new Date(issuedAt.getTime() + seconds * 1000);

describe('friction on the booking step', () => {
  it('accepts a proof of work at once, a form without one only after a few seconds, and nothing for another slot, tampered or expired', () => {
    const challenge = issueChallenge(key, slot, 12, issuedAt);
    const solution = solveChallenge(challenge);
    assert.ok(workBits(challenge, solution) >= 12);
    assert.equal(checkFriction(key, { challenge, solution }, slot, later(1)), null);
    assert.equal(checkFriction(key, { challenge, solution: '' }, slot, later(1)), 'tooEarly');
    // Not enough work counts as none.
    const weak = Array.from({ length: 50 }, (_, n) => String(n)).find((n) => workBits(challenge, n) < 12)!;
    assert.equal(checkFriction(key, { challenge, solution: weak }, slot, later(1)), 'tooEarly');
    assert.equal(checkFriction(key, { challenge, solution: '' }, slot, later(secondsWithoutWork)), null);
    assert.equal(checkFriction(key, { challenge, solution }, slotOf('2026-12-01T08:15:00Z'), later(1)), 'invalid', 'another time');
    assert.equal(checkFriction(key, { challenge, solution }, slotOf('2026-12-01T08:00:00Z', 'p_personalausweis=3'), later(1)), 'invalid', 'other services');
    assert.equal(checkFriction(key, { challenge, solution }, waitlistPurpose(place, 'p_personalausweis=1'), later(1)), 'invalid', 'the waiting list of the place');
    assert.equal(checkFriction(randomBytes(32), { challenge, solution }, slot, later(1)), 'invalid', 'another key');
    const [payload] = challenge.split('.');
    const easier = Buffer.from(Buffer.from(payload!, 'base64url').toString().replace('"bits":12', '"bits":0')).toString('base64url');
    assert.equal(checkFriction(key, { challenge: `${easier}.${challenge.split('.')[1]}`, solution: '0' }, slot, later(1)), 'invalid', 'tampered difficulty');
    assert.equal(checkFriction(key, { challenge: 'kein.challenge.x', solution }, slot, later(1)), 'invalid');
    assert.equal(checkFriction(key, { challenge: '', solution }, slot, later(1)), 'invalid');
    assert.equal(checkFriction(key, { challenge, solution }, slot, later(31 * 60)), 'invalid', 'expired');
    assert.equal(checkFriction(key, { challenge, solution }, slot, later(-5)), 'invalid', 'issued in the future');
  });
});

const everyDay = { 1: '08:00–12:00', 2: '08:00–12:00', 3: '08:00–12:00', 4: '08:00–12:00', 5: '08:00–12:00', 6: '08:00–12:00', 7: '08:00–12:00' };
const hidden = (page: string, name: string) => page.match(new RegExp(`name="${name}" value="([^"]*)"`))?.[1];
const slotLinks = (page: string) => [...page.matchAll(/href="(\/termine\/buchen\?[^"]+)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));

describe('booking form with friction', () => {
  let app: TestApp;
  let tenant: Tenant;
  let host: string;
  before(async () => {
    app = await buildTestApp({ APPOINTMENT_FRICTION_BITS: '10' });
    ({ tenant, host } = await app.createTown());
    await inTransaction(app.database.db, { tenantId: tenant.id }, (trx) => seedAppointmentLocation(trx, tenant.id, {
      name: 'Bürgerbüro', address: 'Rathausplatz 1', department: 'buergerbuero', counters: ['Schalter 1'], leadHours: 0, holidayRegion: 'NW',
      services: [{ service: 'meldebescheinigung', minutes: 10 }], openingHours: everyDay, horizonDays: 14,
    }));
  });
  after(() => app.close());

  const holdsOf = async (email: string) =>
    (await sql<{ n: number }>`select count(*)::int as n from appointment_booking_contacts where email = ${email} and tenant_id = ${tenant.id}`.execute(app.database.db)).rows[0]!.n;

  it('asks a form sent at once without the work to be sent again, keeping what was typed, and holds with the work done', async () => {
    const citizen = new TestBrowser(app.app, host);
    const link = slotLinks((await citizen.get('/termine/freie-zeiten?p_meldebescheinigung=1')).body).at(-1)!;
    const form = await citizen.get(link);
    const challenge = hidden(form.body, 'challenge');
    assert.ok(challenge, 'the form carries a challenge');
    assert.match(form.body, /data-friction-bits="10"/);
    assert.match(form.body, /<script src="\/static\/booking-friction.js" defer><\/script>/);

    // Typing mistakes are named first; the form keeps its challenge, so the waiting time goes on.
    const mistyped = await citizen.post(link, { name: '', email: 'friction@example.org', challenge, solution: '' });
    assert.equal(mistyped.statusCode, 422);
    assert.match(mistyped.body, /Geben Sie Ihren Namen ein/);
    assert.equal(hidden(mistyped.body, 'challenge'), challenge);
    const early = await citizen.post(link, { name: 'Erika Muster', email: 'friction@example.org', challenge, solution: '' });
    assert.equal(early.statusCode, 422);
    assert.match(early.body, /frühestens 8 Sekunden nach dem Öffnen/);
    assert.match(early.body, /value="Erika Muster"/);
    assert.equal(await holdsOf('friction@example.org'), 0, 'nothing held');

    const forged = await citizen.post(link, { name: 'Erika Muster', email: 'friction@example.org', challenge: `${challenge}x`, solution: solveChallenge(challenge!) });
    assert.equal(forged.statusCode, 422);
    assert.match(forged.body, /Das Formular war abgelaufen oder unvollständig/);

    const fresh = hidden(forged.body, 'challenge')!;
    const held = await citizen.post(link, { name: 'Erika Muster', email: 'friction@example.org', challenge: fresh, solution: solveChallenge(fresh) });
    assert.equal(held.statusCode, 303, held.body.slice(0, 300));
    assert.equal(await holdsOf('friction@example.org'), 1);

    await citizen.get('/sprache?lang=en');
    const other = slotLinks((await citizen.get('/termine/freie-zeiten?p_meldebescheinigung=1')).body)[0]!;
    const english = await citizen.post(other, { name: 'Max Muster', email: 'friction2@example.org', challenge: hidden((await citizen.get(other)).body, 'challenge')!, solution: '' });
    assert.equal(english.statusCode, 422);
    assert.match(english.body, /at the earliest 8 seconds after opening it/);
  });

  it('gives no challenge for a time that cannot be booked yet, so holds cannot be prepared before times are released', async () => {
    const citizen = new TestBrowser(app.app, host);
    const link = slotLinks((await citizen.get('/termine/freie-zeiten?p_meldebescheinigung=1')).body)[0]!;
    const beyond = new URL(link, 'http://x');
    beyond.searchParams.set('beginn', new Date(new Date(beyond.searchParams.get('beginn')!).getTime() + 30 * 86_400_000).toISOString());
    const form = await citizen.get(`${beyond.pathname}${beyond.search}`);
    assert.equal(form.statusCode, 200);
    assert.equal(hidden(form.body, 'challenge'), undefined);
    const refused = await citizen.post(`${beyond.pathname}${beyond.search}`, { name: 'Max Muster', email: 'early@example.org' });
    assert.equal(refused.statusCode, 409);
    assert.equal(await holdsOf('early@example.org'), 0);
  });
});

import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { Browser } from 'playwright-core';
import { setHandoffTarget } from '../src/modules/handoff/index.js';
import { newWebhookSecret } from '../src/modules/handoff/webhook-signature.js';
import { loadHandoffKey } from '../src/platform/crypto/secret-box.js';
import { buildTestApp, type TestApp } from '../src/test-support/app.js';
import { complaintAnswers, submitViaApi } from '../src/test-support/applications.js';
import type { Tenant } from '../src/modules/tenants/tenant.js';
import { expectNoAxeViolations, jsModes, launchBrowser, newCitizenContext, screenshot } from './support/browser.js';
import { open, signInAsStaff } from './support/pages.js';

/**
 * The hand-off section of the case page in Chromium: a failed delivery with its reason passes axe,
 * fits 320 px, and "Erneut senden" works. The portal runs in this
 * process (the section needs a configured target and a receiver on 127.0.0.1).
 */
describe('hand-off section on the case page', () => {
  let app: TestApp;
  let browser: Browser;
  let receiver: http.Server;
  let baseUrl: string;
  let tenant: Tenant;
  let host: string;

  before(async () => {
    [app, browser] = await Promise.all([buildTestApp(), launchBrowser()]);
    receiver = http.createServer((_, response) => response.writeHead(400).end('Pflichtfeld "aktenzeichen" fehlt'));
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const town = await app.createTown();
    host = town.host;
    tenant = town.tenant;
    const key = await loadHandoffKey(app.config);
    await app.database.db.transaction().execute(async (trx) => {
      await sql`select set_config('app.tenant_id', ${town.tenant.id}, true)`.execute(trx);
      await setHandoffTarget(trx, key, app.config, { tenantId: town.tenant.id, serviceId: 'kontakt-beschwerde', url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/eingang`, secret: newWebhookSecret() });
    });
    await app.app.listen({ port: 0, host: '127.0.0.1' });
    // Chromium resolves *.localhost to the loopback address itself; the town follows from the host name.
    baseUrl = `http://${host}:${(app.app.server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await browser?.close();
    receiver?.close();
    await app?.close();
  });

  // Staff pages are checked with JavaScript on, as in the other staff journeys; the resend form
  // without JavaScript is what src/modules/handoff/handoff.test.ts posts.
  const mode = jsModes[0];
  it(`shows a failed delivery accessibly, at 320 px, and sends it again (${mode.name})`, async () => {
    const { caseId } = await submitViaApi(app, host, 'kontakt-beschwerde', complaintAnswers('Laterne defekt'));
    await app.jobs.runDue();
    const context = await newCitizenContext(browser, { javaScriptEnabled: mode.javaScriptEnabled });
    // A clerk of the case's department, signing in (and setting up the app) in Chromium.
    const page = await signInAsStaff(context, baseUrl, await app.createClerk(tenant, 'zentrale', { enrolled: false }));
    await open(page, `${baseUrl}/verwaltung/vorgaenge/${caseId}`);
    const section = page.locator('section[aria-labelledby="uebergabe"]');
    assert.match(await section.innerText(), /Fehlgeschlagen/);
    assert.match(await section.innerText(), /HTTP 400: Pflichtfeld "aktenzeichen" fehlt/);
    await expectNoAxeViolations(page, 'case page with a failed hand-off');

    await page.setViewportSize({ width: 320, height: 800 });
    await screenshot(page, `handoff-320-${mode.javaScriptEnabled ? 'js' : 'nojs'}`);
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(scrollWidth <= 320, `the case page scrolls horizontally at 320 px (${scrollWidth})`);

    await Promise.all([page.waitForURL(/#uebergabe$/), section.getByRole('button', { name: 'Erneut senden' }).click()]);
    assert.match(await page.locator('section[aria-labelledby="uebergabe"]').innerText(), /Erneut gesendet, wird übergeben/);
    await expectNoAxeViolations(page, 'case page with a resent hand-off');
    await context.close();
    await app.jobs.runDue();
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CDPSession, Page } from 'playwright-core';
import { expectNoAxeViolations, newCitizenContext, screenshot, usePortalAndBrowser } from './support/browser.js';
import { registerAndSignIn, signInCitizen } from './support/accounts.js';
import { clickAndLoad, open } from './support/pages.js';

/**
 * Chromium's virtual authenticator (DevTools protocol, WebAuthn domain) as a phone or laptop with
 * a platform authenticator: discoverable credentials and user verification (fingerprint or PIN).
 */
async function addVirtualAuthenticator(page: Page): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return { cdp, authenticatorId };
}

const password = 'Lindenallee am Stadtpark 7';

describe('A citizen signs in with a passkey in Chromium', { timeout: 300_000 }, () => {
  const suite = usePortalAndBrowser();

  it('registers, adds a passkey after signing in with the password, signs out and signs in with the passkey alone', async () => {
    const base = suite.portal.baseUrl;
    const email = 'passkey.e2e@example.org';
    const context = await newCitizenContext(suite.browser, { javaScriptEnabled: true });
    const page = await context.newPage();
    const { cdp, authenticatorId } = await addVirtualAuthenticator(page);

    await registerAndSignIn(page, base, { email, password });
    await clickAndLoad(page, page.getByRole('link', { name: 'Anmeldung und Sicherheit' }));
    assert.equal(await page.getByText('Um einen Passkey hinzuzufügen, brauchen Sie', { exact: false }).isVisible(), false, 'the note for browsers without the script is hidden');
    await expectNoAxeViolations(page, 'security page without passkeys');

    // An empty name is refused before the browser's dialog: no credential is made.
    await clickAndLoad(page, page.getByRole('button', { name: 'Passkey hinzufügen' }));
    assert.match(await page.getByRole('alert').innerText(), /Geben Sie dem Passkey einen Namen/);
    assert.equal((await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials.length, 0);
    await expectNoAxeViolations(page, 'security page with an error');

    await page.getByLabel('Name des Passkeys').fill('Testgerät');
    await clickAndLoad(page, page.getByRole('button', { name: 'Passkey hinzufügen' }));
    assert.match(await page.getByRole('main').innerText(), /Der Passkey wurde hinzugefügt/);
    assert.ok(await page.getByRole('cell', { name: 'Testgerät', exact: true }).isVisible());
    const [credential] = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
    assert.ok(credential?.isResidentCredential, 'a discoverable credential');
    assert.equal(credential.rpId, 'localhost');
    await expectNoAxeViolations(page, 'security page with a passkey');
    await screenshot(page, 'account-security-passkey');

    await open(page, `${base}/konto`);
    await clickAndLoad(page, page.getByRole('button', { name: 'Abmelden' }));
    assert.match(await page.getByRole('main').innerText(), /Sie sind abgemeldet/);
    await expectNoAxeViolations(page, 'sign-in page with the passkey button');
    await clickAndLoad(page, page.getByRole('button', { name: 'Mit Passkey anmelden' }));
    assert.match(await page.getByRole('main').innerText(), new RegExp(`Angemeldet als ${email.replace(/[.]/g, '\\.')}`));
    const [used] = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
    assert.ok(used!.signCount > credential.signCount, 'the authenticator signed');

    // The passkey's row shows its use; renaming works from its own page.
    await open(page, `${base}/konto/sicherheit`);
    await clickAndLoad(page, page.getByRole('link', { name: 'Passkey „Testgerät“ umbenennen' }));
    await expectNoAxeViolations(page, 'rename passkey');
    await page.getByLabel('Name des Passkeys').fill('Laptop');
    await clickAndLoad(page, page.getByRole('button', { name: 'Namen speichern' }));
    assert.ok(await page.getByRole('cell', { name: 'Laptop', exact: true }).isVisible());
    await context.close();
  });

  it('shows the security page without JavaScript: no passkey button, a note instead', async () => {
    const base = suite.portal.baseUrl;
    const email = 'ohne.skript@example.org';
    const withScript = await newCitizenContext(suite.browser, { javaScriptEnabled: true });
    await registerAndSignIn(await withScript.newPage(), base, { email, password });
    await withScript.close();

    const context = await newCitizenContext(suite.browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    await open(page, `${base}/konto/anmelden`);
    assert.equal(await page.getByRole('button', { name: 'Mit Passkey anmelden' }).count(), 0, 'no passkey button without the script');
    await signInCitizen(page, base, { email, password });
    await open(page, `${base}/konto/sicherheit`);
    assert.ok(await page.getByText('Um einen Passkey hinzuzufügen, brauchen Sie einen aktuellen Browser mit eingeschaltetem JavaScript.').isVisible());
    assert.equal(await page.getByRole('button', { name: 'Passkey hinzufügen' }).count(), 0);
    // axe needs JavaScript in the page; the same page with it passed axe above.
    await screenshot(page, 'account-security-nojs');
    await context.close();
  });
});

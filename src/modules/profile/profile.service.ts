import { inTransaction, type Db } from '../../platform/db/database.js';
import { findAccount, updateAccountLanguage } from '../accounts/index.js';
import { recordAudit } from '../audit/index.js';
import type { PrefillSource } from '../forms/prefill.js';
import { prefillSourceOf, type Profile, type ProfileDetails } from './profile.js';
import { findProfile, saveProfileRow } from './profile.repository.js';

const emptyProfile: Profile = { prefillConsentAt: null };

/** The account's profile; empty (and without consent) before it was first saved. */
export async function loadProfile(db: Db, tenantId: string, accountId: string): Promise<Profile> {
  return (await inTransaction(db, { tenantId, accountId }, (trx) => findProfile(trx, accountId))) ?? emptyProfile;
}

/**
 * Saves the profile and the language of the account's mails. Consent keeps the time it was first
 * given; unticking withdraws it. The audit log records the change and the consent, never the details.
 */
export async function saveProfile(db: Db, tenantId: string, accountId: string, input: { details: ProfileDetails; language: 'de' | 'en'; consent: boolean }): Promise<void> {
  await inTransaction(db, { tenantId, accountId }, async (trx) => {
    const before = await findProfile(trx, accountId);
    const consentBefore = before?.prefillConsentAt ?? null;
    const prefillConsentAt = input.consent ? consentBefore ?? new Date() : null;
    await saveProfileRow(trx, tenantId, accountId, { ...input.details, prefillConsentAt });
    await updateAccountLanguage(trx, accountId, input.language);
    const audit = { tenantId, actor: `account:${accountId}`, subject: `account:${accountId}` };
    await recordAudit(trx, { ...audit, action: 'account.profile_saved' });
    if (!consentBefore && prefillConsentAt) await recordAudit(trx, { ...audit, action: 'account.prefill_consent_given' });
    if (consentBefore && !prefillConsentAt) await recordAudit(trx, { ...audit, action: 'account.prefill_consent_withdrawn' });
  });
}

/**
 * What the form engine may fill in for the signed-in account: its profile and e-mail address, or
 * null without the account's consent.
 */
export async function prefillSource(db: Db, tenantId: string, accountId: string): Promise<PrefillSource | null> {
  return inTransaction(db, { tenantId, accountId }, async (trx) => {
    const profile = await findProfile(trx, accountId);
    if (!profile?.prefillConsentAt) return null;
    const account = await findAccount(trx, accountId);
    return account ? prefillSourceOf(profile, account.email) : null;
  });
}

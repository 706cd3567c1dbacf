import { sql } from 'kysely';
import type { Trx } from '../../platform/db/database.js';
import type { Profile } from './profile.js';

/** The signed-in account's profile (row-level security shows no other), or undefined before it was first saved. */
export async function findProfile(trx: Trx, accountId: string): Promise<Profile | undefined> {
  const row = await trx
    .selectFrom('account_profiles')
    .select(['given_name', 'family_name', sql<string | null>`birth_date::text`.as('birth_date'), 'street', 'house_number', 'postcode', 'city', 'phone', 'prefill_consent_at'])
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    givenName: row.given_name ?? undefined,
    familyName: row.family_name ?? undefined,
    birthDate: row.birth_date ?? undefined,
    // The table allows the four parts only together.
    address: row.street ? { street: row.street, houseNumber: row.house_number!, postcode: row.postcode!, city: row.city! } : undefined,
    phone: row.phone ?? undefined,
    prefillConsentAt: row.prefill_consent_at,
  };
}

/** Creates or replaces the account's profile. */
export async function saveProfileRow(trx: Trx, tenantId: string, accountId: string, profile: Profile): Promise<void> {
  const values = {
    given_name: profile.givenName ?? null,
    family_name: profile.familyName ?? null,
    birth_date: profile.birthDate ?? null,
    street: profile.address?.street ?? null,
    house_number: profile.address?.houseNumber ?? null,
    postcode: profile.address?.postcode ?? null,
    city: profile.address?.city ?? null,
    phone: profile.phone ?? null,
    prefill_consent_at: profile.prefillConsentAt,
    updated_at: new Date(),
  };
  await trx
    .insertInto('account_profiles')
    .values({ tenant_id: tenantId, account_id: accountId, ...values })
    .onConflict((oc) => oc.columns(['tenant_id', 'account_id']).doUpdateSet(values))
    .execute();
}

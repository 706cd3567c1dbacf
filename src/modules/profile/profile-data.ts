import { zipSegment, type AccountDataSection } from '../accounts/index.js';
import { listDocuments } from './document-safe.repository.js';
import { findProfile } from './profile.repository.js';

/**
 * The profile and the document safe in the account's data export: the details with the consent's
 * time, and every document with its file in the ZIP under dokumente/.
 */
export const profileDataSection: AccountDataSection = {
  name: 'profile',
  async collect(trx, accountId) {
    const profile = await findProfile(trx, accountId);
    const documents = await listDocuments(trx);
    const files = documents.map((d, i) => ({ path: `dokumente/${i + 1}-${zipSegment(d.filename)}`, sha256: d.sha256 }));
    return {
      data: {
        givenName: profile?.givenName ?? null,
        familyName: profile?.familyName ?? null,
        birthDate: profile?.birthDate ?? null,
        address: profile?.address ?? null,
        phone: profile?.phone ?? null,
        prefillConsentGivenAt: profile?.prefillConsentAt ?? null,
        documents: documents.map((d, i) => ({ name: d.name, filename: d.filename, mediaType: d.mediaType, size: d.size, addedAt: d.createdAt, file: files[i]!.path })),
      },
      files,
    };
  },
};

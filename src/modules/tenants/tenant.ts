import type { DepartmentContact, TenantProfile } from '../../platform/db/schema.js';
import type { Localized } from '../../platform/i18n/i18n.js';

/** A town served by this installation. */
export interface Tenant {
  id: string;
  slug: string;
  name: string;
  hosts: string[];
  referencePrefix: string;
  profile: TenantProfile;
}

/** A department of a town; cases belong to exactly one. */
export interface Department {
  id: string;
  key: string;
  name: Localized;
  contact: DepartmentContact;
}

/** What it takes to set up a new town. */
export interface NewTenant {
  slug: string;
  name: string;
  hosts: string[];
  referencePrefix: string;
  profile: TenantProfile;
  departments: Array<{ key: string; name: Localized; contact: DepartmentContact }>;
}

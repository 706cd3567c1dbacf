import type { Service } from '../catalog/index.js';

/** A service's retention period in whole years, counted from the day a case was closed. */
export interface RetentionRule {
  serviceId: string;
  years: number;
}

/**
 * The rules of the services as they are defined now: retention is a rule of the records office
 * that applies to every closed case of a service, whichever definition version it was filed under.
 * Services kept permanently or without a period have no rule, so their cases are never deleted.
 */
export function retentionRules(services: Map<string, Service>): RetentionRule[] {
  const rules: RetentionRule[] = [];
  for (const { definition } of services.values()) {
    const retention = definition.retention;
    if (retention && 'years' in retention) rules.push({ serviceId: definition.id, years: retention.years });
  }
  return rules;
}

/** How far ahead the report looks for cases that become due. */
export const reportHorizonDays = 30;

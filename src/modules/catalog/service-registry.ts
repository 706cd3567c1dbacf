import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseYaml } from '../../platform/yaml.js';
import { serviceDefinition, type ServiceDefinition } from './service-definition.js';
import { projectRoot } from '../../platform/project-root.js';

export const servicesDir = path.join(projectRoot, 'services');

/** A loaded service with the hash that identifies this exact version of its definition. */
export interface Service {
  definition: ServiceDefinition;
  hash: string;
}

/** Reads and validates every services/<id>/ folder; one bad folder stops the start with its errors. */
export async function loadServices(dir = servicesDir): Promise<Map<string, Service>> {
  const services = new Map<string, Service>();
  const problems: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const folder = path.join(dir, entry.name);
    try {
      const raw = parseYaml(await readFile(path.join(folder, 'service.yaml'), 'utf8')) as Record<string, unknown>;
      const formFile = path.join(folder, 'form.yaml');
      if (existsSync(formFile)) raw.form = parseYaml(await readFile(formFile, 'utf8'));
      const parsed = serviceDefinition.safeParse(raw);
      if (!parsed.success) {
        problems.push(...parsed.error.issues.map((i) => `services/${entry.name}: ${i.path.join('.')}: ${i.message}`));
        continue;
      }
      if (parsed.data.id !== entry.name) problems.push(`services/${entry.name}: id "${parsed.data.id}" must equal the folder name`);
      const hash = createHash('sha256').update(JSON.stringify(parsed.data)).digest('hex');
      services.set(parsed.data.id, { definition: parsed.data, hash });
    } catch (error) {
      problems.push(`services/${entry.name}: ${(error as Error).message}`);
    }
  }
  for (const service of services.values()) {
    for (const related of service.definition.relatedServices) {
      if (!services.has(related)) problems.push(`services/${service.definition.id}: relatedServices names unknown service ${related}`);
    }
  }
  if (problems.length > 0) throw new Error(`Invalid service definitions:\n  ${problems.join('\n  ')}`);
  return services;
}

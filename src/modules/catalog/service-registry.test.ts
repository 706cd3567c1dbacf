import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseYaml } from '../../platform/yaml.js';
import { loadServices } from './service-registry.js';

const townsFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../seeds/towns.yaml');

const onlineServices = ['hund-anmelden', 'meldebescheinigung', 'gewerbeanmeldung', 'sperrmuell-anmeldung', 'kontakt-beschwerde', 'wohngeld', 'sondernutzung'];
const infoServices = ['hundesteuer', 'hund-abmelden', 'personalausweis', 'reisepass', 'wohnsitz-anmelden', 'bauantrag', 'kita-anmeldung'];

interface SeedTown {
  slug: string;
  referencePrefix: string;
  hosts: string[];
  departments: Array<{ key: string }>;
  services: Array<{ service: string; department: string }>;
  staff?: Array<{ email: string; departments: Array<{ key: string; role: string }> }>;
}

/** Writes a services directory with one folder per entry: { folder: { 'service.yaml': text, ... } }. */
async function servicesFixture(folders: Record<string, Record<string, string>>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rathaus-services-'));
  for (const [folder, files] of Object.entries(folders)) {
    await mkdir(path.join(dir, folder));
    for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, folder, name), text);
  }
  return dir;
}

const validService = (id: string) => `id: ${id}
version: 1
title: { de: Test, en: Test }
summary: { de: Test, en: Test }
description: { de: Test, en: Test }
department: zentrale
lifeSituations: [kontakt]
maturity: in_person
`;

describe('service catalog content', () => {
  it('loads every service folder, online services with a form and information services without', async () => {
    const services = await loadServices();
    for (const id of [...onlineServices, ...infoServices]) assert.ok(services.has(id), `service ${id} is missing`);
    for (const id of onlineServices) {
      const definition = services.get(id)!.definition;
      assert.ok(definition.form, `${id} should have a form`);
      assert.equal(definition.maturity, 'online', `${id} should be online`);
    }
    for (const id of infoServices) {
      const definition = services.get(id)!.definition;
      assert.equal(definition.form, undefined, `${id} should have no form`);
      assert.notEqual(definition.maturity, 'online', `${id} has no form, so it cannot be online`);
    }
  });

  it('writes German and English for every text of every service', async () => {
    const services = await loadServices();
    const missing: string[] = [];
    const walk = (value: unknown, at: string) => {
      if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${at}.${i}`));
      else if (value && typeof value === 'object') {
        const record = value as Record<string, unknown>;
        if (typeof record.de === 'string' && !record.en) missing.push(at);
        for (const [key, v] of Object.entries(record)) walk(v, `${at}.${key}`);
      }
    };
    for (const [id, service] of services) walk(service.definition, id);
    assert.deepEqual(missing, []);
  });

  it('shows the dangerous-dog step only for the breeds listed in the LHundG NRW', async () => {
    const form = (await loadServices()).get('hund-anmelden')!.definition.form!;
    const step = form.steps.find((s) => s.id === 'gefaehrlicherHund');
    assert.equal(step?.when?.field, 'hund.rasse');
    const listed = step!.when!.in!;
    for (const breed of ['pitbull-terrier', 'american-staffordshire-terrier', 'staffordshire-bullterrier', 'bullterrier', 'alano', 'american-bulldog',
      'bullmastiff', 'mastiff', 'mastino-espanol', 'mastino-napoletano', 'fila-brasileiro', 'dogo-argentino', 'rottweiler', 'tosa-inu']) {
      assert.ok(listed.includes(breed), `${breed} should trigger the permit step`);
    }
    const rasse = form.steps.find((s) => s.id === 'hund')!.fields.find((f) => f.id === 'rasse');
    assert.ok(rasse && rasse.type === 'select');
    const options = new Set(rasse.options.map((o) => o.value));
    for (const breed of listed) assert.ok(options.has(breed), `condition names ${breed}, which is no option`);
    assert.ok(!listed.includes('mischling') && !listed.includes('andere'));
  });

  it('rejects a broken service folder, naming the folder and the field path', async () => {
    const dir = await servicesFixture({
      ok: { 'service.yaml': validService('ok') },
      kaputt: { 'service.yaml': validService('kaputt').replace('title: { de: Test, en: Test }', 'title: { en: Broken }') },
    });
    try {
      await assert.rejects(loadServices(dir), (error: Error) => {
        assert.match(error.message, /services\/kaputt: title\.de:/);
        assert.doesNotMatch(error.message, /services\/ok:/);
        return true;
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects a broken form.yaml with the path of the field inside the form', async () => {
    const dir = await servicesFixture({
      formular: {
        'service.yaml': validService('formular'),
        'form.yaml': `steps:
  - id: schritt
    title: { de: Schritt }
    fields:
      - { id: Falsch, type: text, label: { de: Feld } }
declaration: { de: Erklärung }
`,
      },
    });
    try {
      await assert.rejects(loadServices(dir), /services\/formular: form\.steps\.0\.fields\.0\.id:/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('lets Wohngeld require the trust level substantial, and refuses an unknown level or one without an online form', async () => {
    assert.equal((await loadServices()).get('wohngeld')!.definition.minimumTrustLevel, 'substantial');
    assert.equal((await loadServices()).get('hund-anmelden')!.definition.minimumTrustLevel, undefined);
    const form = 'steps:\n  - id: schritt\n    title: { de: Schritt }\n    fields:\n      - { id: feld, type: text, label: { de: Feld } }\ndeclaration: { de: Erklärung }\n';
    const dir = await servicesFixture({
      unbekannt: { 'service.yaml': `${validService('unbekannt').replace('in_person', 'online')}minimumTrustLevel: mittel\n`, 'form.yaml': form },
      ohneformular: { 'service.yaml': `${validService('ohneformular')}minimumTrustLevel: high\n` },
    });
    try {
      await assert.rejects(loadServices(dir), (error: Error) => {
        assert.match(error.message, /services\/unbekannt: minimumTrustLevel:/);
        assert.match(error.message, /services\/ohneformular: minimumTrustLevel: only a service with an online form/);
        return true;
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('demo towns seed', () => {
  const readTowns = async () => parseYaml(await readFile(townsFile, 'utf8')) as SeedTown[];

  it('adopts only services that exist, each with a department the town has', async () => {
    const services = await loadServices();
    const towns = await readTowns();
    assert.deepEqual(towns.map((t) => t.slug), ['musterstadt', 'beispieldorf']);
    for (const town of towns) {
      const departments = new Set(town.departments.map((d) => d.key));
      assert.equal(departments.size, town.departments.length, `${town.slug} has duplicate department keys`);
      assert.ok(town.services.length > 0, `${town.slug} adopts no services`);
      for (const { service, department } of town.services) {
        assert.ok(services.has(service), `${town.slug} adopts unknown service ${service}`);
        assert.ok(departments.has(department), `${town.slug} assigns ${service} to unknown department ${department}`);
      }
      for (const member of town.staff ?? []) {
        for (const { key, role } of member.departments) {
          assert.ok(departments.has(key), `${town.slug}: ${member.email} belongs to unknown department ${key}`);
          assert.ok(['clerk', 'team_lead', 'department_admin'].includes(role), `${town.slug}: ${member.email} has unknown role ${role}`);
        }
      }
    }
  });

  it('adopts every service in Musterstadt with its default department', async () => {
    const services = await loadServices();
    const musterstadt = (await readTowns()).find((t) => t.slug === 'musterstadt')!;
    assert.deepEqual(musterstadt.services.map((s) => s.service).sort(), [...services.keys()].sort());
    for (const { service, department } of musterstadt.services) assert.equal(department, services.get(service)!.definition.department, service);
  });

  it('gives the towns distinct hosts and reference prefixes', async () => {
    const towns = await readTowns();
    const hosts = towns.flatMap((t) => t.hosts);
    assert.equal(new Set(hosts).size, hosts.length);
    assert.equal(new Set(towns.map((t) => t.referencePrefix)).size, towns.length);
  });
});

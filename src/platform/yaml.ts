import { CORE_SCHEMA, load } from 'js-yaml';

/**
 * YAML 1.2 as the content files (services, letter templates, seeds) are written: the core schema
 * only, so a date stays the string it reads as and `no` stays a word. js-yaml rather than the
 * `yaml` package because the services are parsed at every start: ~2.5 times faster.
 */
export function parseYaml(text: string): unknown {
  return load(text, { schema: CORE_SCHEMA });
}

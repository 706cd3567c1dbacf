import type { Config } from '../../config.js';

/**
 * The absolute URL of a page of a town for a mail: under BASE_URL when it is set, else under the
 * town's first host name on this process's port (right for a laptop; installations set BASE_URL).
 */
export function townUrl(config: Pick<Config, 'baseUrl' | 'port'>, town: { hosts: string[] }, path: string): string {
  const base = config.baseUrl ? config.baseUrl.replace(/\/+$/, '') : `http://${town.hosts[0]}:${config.port}`;
  return `${base}${path}`;
}

import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import type { Config } from '../../config.js';

/** Where hand-offs may go: https only and no private networks in production, unless allowed. */
export interface TargetRules {
  production: boolean;
  /** HANDOFF_ALLOW_PRIVATE_TARGETS: a Fachverfahren in the town's own network. */
  allowPrivate: boolean;
}

/** The rules of this installation. */
export function targetRules(config: Pick<Config, 'env' | 'handoffAllowPrivateTargets'>): TargetRules {
  return { production: config.env === 'production', allowPrivate: config.handoffAllowPrivateTargets };
}

// Addresses a webhook must not reach unless allowed (SSRF, docs/adr/0012): "this" network,
// private networks, carrier-grade NAT, loopback, link-local (cloud metadata at 169.254.169.254),
// IETF protocol assignments, benchmarking, multicast and reserved; for IPv6 the same kinds, and
// IPv4-mapped and NAT64 addresses, which lead to IPv4 ones.
// Two lists: a BlockList also matches IPv4 addresses against IPv6 rules through their mapped form,
// and ::ffff:0:0/96 would then cover every IPv4 address.
const blockedV4 = new BlockList();
const blockedV6 = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blockedV4.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128], ['::1', 128], ['::ffff:0:0', 96], ['64:ff9b::', 96], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8],
] as const) blockedV6.addSubnet(network, prefix, 'ipv6');

/** Whether an IP address lies in a private, loopback, link-local or otherwise internal range. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) throw new Error(`not an IP address: ${address}`);
  return family === 4 ? blockedV4.check(address, 'ipv4') : blockedV6.check(address, 'ipv6');
}

const localHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Checks a target URL against the rules; the reason (English, for the CLI and the case page) when refused. */
export function checkTargetUrl(raw: string, rules: TargetRules): { ok: true; url: URL } | { ok: false; reason: string } {
  if (raw.length > 2000) return { ok: false, reason: 'the URL is longer than 2000 characters' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'not a valid URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: 'only https URLs are allowed' };
  // Credentials belong in the sealed signing secret, not in a URL that is listed and logged.
  if (url.username || url.password) return { ok: false, reason: 'the URL must not contain a user name or password' };
  if (url.hash) return { ok: false, reason: 'the URL must not contain a fragment (#)' };
  if (url.protocol === 'http:' && (rules.production || !localHosts.has(url.hostname))) {
    return { ok: false, reason: rules.production ? 'https is required in production' : 'http is allowed only for localhost and 127.0.0.1 (outside production)' };
  }
  const literal = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(literal) && !privateAllowed(rules) && isPrivateAddress(literal)) {
    return { ok: false, reason: `${literal} is a private or local address (allow with HANDOFF_ALLOW_PRIVATE_TARGETS=true)` };
  }
  return { ok: true, url };
}

function privateAllowed(rules: TargetRules): boolean {
  return rules.allowPrivate || !rules.production;
}

/**
 * A DNS lookup for the request that refuses host names resolving to a private address when the
 * rules forbid those. Checking the address the connection actually uses (not an earlier lookup)
 * closes the gap a DNS answer that changes between check and connect ("rebinding") would open.
 * Undefined when every address is allowed.
 */
export function guardedLookup(rules: TargetRules): LookupFunction | undefined {
  if (privateAllowed(rules)) return undefined;
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const refused = addresses.find((a) => isPrivateAddress(a.address));
      if (refused || addresses.length === 0) {
        const reason = refused ? `${hostname} resolves to ${refused.address}, a private or local address` : `${hostname} has no address`;
        return callback(Object.assign(new Error(reason), { code: 'EHANDOFFREFUSED' }), '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

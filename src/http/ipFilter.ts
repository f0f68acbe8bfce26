// The platform-wide IP deny list (CIDR ranges, IPv4 and IPv6) on Node's BlockList.
import { BlockList, isIP } from 'node:net';

export interface IpFilter {
  isDenied(ip: string): boolean;
}

/** Why `entry` is not an address or a CIDR range (`1.2.3.0/24`, `2001:db8::/32`), or null when it is one. */
export function cidrProblem(entry: string): string | null {
  const [addr, prefixText, extra] = entry.split('/');
  if (extra !== undefined) return `"${entry}" has more than one "/"`;
  const family = isIP(addr ?? '');
  if (family === 0) return `"${entry}" does not start with an IPv4 or IPv6 address`;
  if (prefixText === undefined) return null;
  const max = family === 4 ? 32 : 128;
  if (!/^[0-9]{1,3}$/.test(prefixText) || Number(prefixText) > max) return `"${entry}" needs a prefix length from 0 to ${max}`;
  return null;
}

export function createIpFilter(cidrs: readonly string[]): IpFilter {
  const list = new BlockList();
  for (const entry of cidrs) {
    const problem = cidrProblem(entry);
    if (problem !== null) throw new Error(`invalid IP deny list entry: ${problem}`);
    const [addr, prefixText] = entry.split('/');
    const type = isIP(addr!) === 4 ? 'ipv4' : 'ipv6';
    if (prefixText === undefined) list.addAddress(addr!, type);
    else list.addSubnet(addr!, Number(prefixText), type);
  }
  return {
    isDenied(ip) {
      // IPv4-mapped IPv6 addresses (::ffff:1.2.3.4) are checked as IPv4.
      const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
      if (v4) return list.check(v4, 'ipv4');
      const family = isIP(ip);
      return family !== 0 && list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

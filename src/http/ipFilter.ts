// The platform-wide IP deny list (CIDR ranges, IPv4 and IPv6) on Node's BlockList.
import { BlockList, isIP } from 'node:net';

export interface IpFilter {
  isDenied(ip: string): boolean;
}

export function createIpFilter(cidrs: readonly string[]): IpFilter {
  const list = new BlockList();
  for (const entry of cidrs) {
    const [addr, prefixText] = entry.split('/');
    const family = isIP(addr ?? '');
    if (family === 0) throw new Error(`invalid address in IP deny list: ${entry}`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
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

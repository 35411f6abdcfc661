import * as fs from 'node:fs';
import * as os from 'node:os';
import { decideEnableIpv6, parseResolvConf, type EnvRecord, type HostAddress } from '@minipilot/iptables';

/** Where istio-iptables reads the name servers from. */
export const RESOLV_CONF = '/etc/resolv.conf';

/** The host's interface addresses in `os.networkInterfaces()` order. */
export function listHostAddresses(): HostAddress[] {
  return Object.values(os.networkInterfaces()).flatMap((list) => (list ?? []).map((a) => ({ address: a.address })));
}

/**
 * `--ipv6 on|off|auto`: explicit, or detected from the host addresses as Istio does. Throws when auto finds no usable
 * address (Istio: "no valid local IP address found").
 */
export function resolveEnableIpv6(mode: string, dualStack: boolean): boolean {
  if (mode === 'on') return true;
  if (mode === 'off') return false;
  const decided = decideEnableIpv6(listHostAddresses(), dualStack);
  if (decided === undefined) throw new Error('no valid local IP address found (give --ipv6 on|off to skip detection)');
  return decided;
}

/** `--dns-servers LIST` when given, else the `nameserver` lines of /etc/resolv.conf (none if unreadable). */
export function resolveDnsServers(list: string | undefined): string[] {
  if (list !== undefined) return list.split(',').map((s) => s.trim()).filter((s) => s !== '');
  try {
    return parseResolvConf(fs.readFileSync(RESOLV_CONF, 'utf8'));
  } catch {
    return [];
  }
}

/** UID of user $ENVOY_USER (default istio-proxy) from /etc/passwd, if that user exists. */
export function lookupEnvoyUserUid(env: EnvRecord): string | undefined {
  const user = env['ENVOY_USER'] ?? 'istio-proxy';
  try {
    for (const line of fs.readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const [name, , uid] = line.split(':');
      if (name === user && uid !== undefined && /^\d+$/.test(uid)) return uid;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

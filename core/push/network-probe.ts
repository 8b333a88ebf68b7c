import net from 'node:net';
import type { HubSpotAccess } from '../mapping/property-catalogue.ts';

/**
 * "Is HubSpot reachable again?" without spending API budget: a TCP connection to the gateway's
 * host (DNS included). A workspace that can't produce a gateway counts as reachable, so its next
 * batch meets the real reason (not connected, reauthorize).
 */
export function createNetworkProbe(hubspot: HubSpotAccess, timeoutMs = 5000) {
  return async (workspaceId: string): Promise<boolean> => {
    let url: URL;
    try {
      url = new URL((await hubspot(workspaceId)).baseUrl);
    } catch {
      return true;
    }
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    return new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: url.hostname, port });
      const done = (ok: boolean) => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(timeoutMs, () => done(false));
      socket.once('connect', () => done(true));
      socket.once('error', () => done(false));
    });
  };
}

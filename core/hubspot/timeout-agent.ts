import http from 'node:http';
import https from 'node:https';

/**
 * A keep-alive agent whose sockets are destroyed after `timeoutMs` without traffic. The SDK sends
 * through an agent when one is configured, and has no timeout of its own: without this, a request
 * HubSpot never answers would hang a push forever.
 */
export function createTimeoutAgent(baseUrl: string, timeoutMs: number): http.Agent {
  const Base = new URL(baseUrl).protocol === 'https:' ? https.Agent : http.Agent;
  const agent = new Base({ keepAlive: true, maxSockets: 16, maxFreeSockets: 8, timeout: timeoutMs });
  agent.on('free', (socket) => socket.setTimeout(timeoutMs));
  const create = agent.createConnection.bind(agent) as (...args: unknown[]) => import('node:net').Socket;
  (agent as unknown as { createConnection: (...args: unknown[]) => import('node:net').Socket }).createConnection = (...args: unknown[]) => {
    const socket = create(...args);
    socket.setTimeout(timeoutMs, () => {
      const error = Object.assign(new Error(`no answer from HubSpot within ${timeoutMs} ms`), { code: 'ESOCKETTIMEDOUT' });
      socket.destroy(error);
    });
    return socket;
  };
  return agent;
}

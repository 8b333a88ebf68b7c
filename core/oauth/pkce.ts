import crypto from 'node:crypto';

/** RFC 7636: a 43-character verifier from 32 random bytes, and its S256 challenge. */
export function createPkcePair(): { verifier: string; challenge: string; method: 'S256' } {
  const verifier = crypto.randomBytes(32).toString('base64url');
  return { verifier, challenge: pkceChallenge(verifier), method: 'S256' };
}

export function pkceChallenge(verifier: string): string {
  return crypto.createHash('sha256').update(verifier).digest('base64url');
}

/** An unguessable `state` value binding the callback to this attempt. */
export function createOAuthState(): string {
  return crypto.randomBytes(24).toString('base64url');
}

/** Constant-time comparison of two state values. */
export function sameState(expected: string, received: string | null | undefined): boolean {
  if (typeof received !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(received);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

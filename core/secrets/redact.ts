/**
 * Keeps secrets out of logs, exports and support bundles. Two layers:
 * values we know are secret (every value that passed through the SecretStore), and shapes that
 * look like credentials even when we never saw them (HubSpot and Stripe token formats, bearer headers,
 * OAuth form fields).
 */
const knownSecrets = new Set<string>();

export const REDACTED = '[redacted]';

export function registerSecret(value: string | null | undefined): void {
  // Very short values would redact ordinary words; real credentials are long.
  if (value && value.length >= 8) knownSecrets.add(value);
}

const SHAPES: Array<[RegExp, string]> = [
  // HubSpot private-app tokens: pat-na1-<uuid>
  [/\bpat-[a-z]{2,3}\d?-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, REDACTED],
  // HubSpot refresh tokens: na1-xxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx
  [/\b[a-z]{2,3}\d-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, REDACTED],
  // Stripe secret, restricted and webhook keys
  [/\b(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{6,}\b/g, REDACTED],
  [/\bwhsec_[0-9A-Za-z]{6,}\b/g, REDACTED],
  // Authorization headers
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/g, `$1 ${REDACTED}`],
  // JSON fields that carry credentials
  [
    /("(?:access_token|refresh_token|client_secret|code_verifier|id_token|token|password|apiKey|api_key|authorization)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi,
    `$1"${REDACTED}"`,
  ],
  // Form and query fields that carry credentials
  [/\b((?:access_token|refresh_token|client_secret|code_verifier|code|token)=)[^&\s"']+/gi, `$1${REDACTED}`],
];

export function redact(text: string): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  for (const [pattern, replacement] of SHAPES) out = out.replace(pattern, replacement);
  return out;
}

const SECRET_KEY = /(token|secret|password|authorization|api[-_]?key|code_verifier|cookie)/i;

/** Deep copy with secret-looking keys blanked and every string passed through `redact`. */
export function redactValue<T>(value: T): T {
  return walk(value, undefined) as T;
}

function walk(value: unknown, key: string | undefined): unknown {
  if (key !== undefined && SECRET_KEY.test(key) && value !== null && value !== undefined && value !== '') {
    return REDACTED;
  }
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((item) => walk(item, undefined));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = walk(v, k);
    return out;
  }
  return value;
}

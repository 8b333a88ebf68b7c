import { createRequire } from 'node:module';

/**
 * Free-mail domains (gmail.com, gmx.de, yahoo.co.uk… about 96,000 of them, disposable services
 * included) from `free-email-domains-list`, updated weekly upstream. A lead's email domain names
 * its company only when it is not one of these. Loaded on first use (~100 ms, 2 MB) straight from
 * the list's data module, so the package's email validator is never loaded.
 */
let domains: ReadonlySet<string> | undefined;

function load(): ReadonlySet<string> {
  if (!domains) {
    const require = createRequire(import.meta.url);
    domains = (require('free-email-domains-list/build/src/constants.js') as { DOMAINS: Set<string> }).DOMAINS;
  }
  return domains;
}

/** True for a free-mail or disposable provider's domain (case-insensitive; subdomains of one count too). */
export function isFreeMailDomain(domain: string): boolean {
  const set = load();
  let candidate = domain.trim().toLowerCase().replace(/\.$/, '');
  // mail.yahoo.com, eu.gmx.de…: walk up while at least two labels remain.
  while (candidate.includes('.')) {
    if (set.has(candidate)) return true;
    candidate = candidate.slice(candidate.indexOf('.') + 1);
  }
  return false;
}

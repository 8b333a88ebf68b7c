import type { Db } from '../store/database.ts';

/** Addresses at these domains say nothing about the company (SPEC §3 excludes free mail for matching too). */
export const FREE_MAIL_DOMAINS = new Set([
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'hotmail.com',
  'outlook.com',
  'live.com',
  'icloud.com',
  'me.com',
  'aol.com',
  'proton.me',
  'protonmail.com',
  'gmx.com',
  'gmx.de',
  'web.de',
  'yandex.ru',
  'mail.ru',
  'qq.com',
  '163.com',
]);

const normaliseDomain = (value: string | null | undefined): string | null => {
  if (!value) return null;
  const host = value.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/^www\./, '').split(/[/?#:]/)[0] ?? '';
  return host.includes('.') ? host : null;
};

/**
 * Links each Stripe customer to a HubSpot company: the company whose `linkProperty` holds the
 * customer id, else the company whose domain is the customer's email domain (not free mail).
 * Replaces every link; returns how many customers are linked, by method.
 */
export function recomputeLinks(db: Db, linkProperty: string): { property: number; domain: number } {
  const byCustomerId = new Map<string, string>();
  const byDomain = new Map<string, string>();
  const companies = db
    .prepare("select id, json_extract(properties, ?) as link, json_extract(properties, '$.domain') as domain from mirror_records where object_type = 'companies' and archived = 0 order by id")
    .all(`$.${linkProperty}`) as Array<{ id: string; link: string | null; domain: string | null }>;
  for (const c of companies) {
    if (c.link) byCustomerId.set(c.link.trim(), c.id);
    const domain = normaliseDomain(c.domain);
    // Several companies on one domain: the oldest id wins, deterministically.
    if (domain && !byDomain.has(domain)) byDomain.set(domain, c.id);
  }
  const customers = db.prepare("select id, json_extract(data, '$.email') as email from stripe_objects where type = 'customer' and deleted = 0").all() as Array<{ id: string; email: string | null }>;
  const insert = db.prepare('insert into mirror_links (customer_id, company_id, method) values (?, ?, ?)');
  const counts = { property: 0, domain: 0 };
  db.transaction(() => {
    db.exec('delete from mirror_links');
    for (const customer of customers) {
      const byProperty = byCustomerId.get(customer.id);
      if (byProperty) {
        insert.run(customer.id, byProperty, 'property');
        counts.property++;
        continue;
      }
      const domain = normaliseDomain(customer.email?.split('@')[1]);
      const company = domain && !FREE_MAIL_DOMAINS.has(domain) ? byDomain.get(domain) : undefined;
      if (company) {
        insert.run(customer.id, company, 'domain');
        counts.domain++;
      }
    }
  })();
  return counts;
}

import type { Db } from '../../store/database.ts';
import type { Associations } from './hubspot-associations.ts';
import { INDUSTRIES } from './hubspot-default-properties.ts';
import type { Lists } from './hubspot-lists.ts';
import { objectTypeById } from './hubspot-object-types.ts';
import type { PropertyCatalog } from './hubspot-properties.ts';
import type { Records } from './hubspot-records.ts';
import { seededRandom } from '../seeded-random.ts';

/** What seeding needs from the Stripe provider, when one is registered (see core/sandbox/providers.ts). */
export interface StripeSeeder {
  seed(input: { companies: Array<{ id: string; name: string; domain: string }>; random: () => number }): Array<{ companyId: string; customerId: string }>;
}

export interface SeedOptions {
  portalId: number;
  contacts: number;
  /** PRNG seed; the same seed gives the same records (ids, values and relative times). */
  seed?: number;
  stripe?: StripeSeeder;
}

export interface SeedReport {
  portalId: number;
  contacts: number;
  companies: number;
  deals: number;
  owners: number;
  lists: Array<{ listId: string; name: string; processingType: string }>;
  stripeCustomers: number;
  ms: number;
}

const FIRST = ['Ada', 'Ben', 'Chloe', 'Dev', 'Elena', 'Farid', 'Grace', 'Hugo', 'Ines', 'Jonas', 'Kira', 'Luca', 'Maya', 'Nils', 'Olga', 'Pablo', 'Quinn', 'Rosa', 'Sami', 'Tara', 'Umar', 'Vera', 'Wen', 'Ximena', 'Yusuf', 'Zoe'];
const LAST = ['Adler', 'Baker', 'Costa', 'Dubois', 'Evans', 'Fischer', 'Garcia', 'Hansen', 'Ito', 'Jensen', 'Kowalski', 'Larsen', 'Moreau', 'Nakamura', 'Okafor', 'Petrov', 'Quintero', 'Rossi', 'Silva', 'Tanaka', 'Urban', 'Varga', 'Weber', 'Yilmaz', 'Zimmer'];
const WORDS = ['Acme', 'Blue', 'Cedar', 'Delta', 'Echo', 'Fable', 'Granite', 'Harbor', 'Iris', 'Juniper', 'Kite', 'Lumen', 'Maple', 'Nimbus', 'Orbit', 'Pioneer', 'Quartz', 'Ridge', 'Summit', 'Tidal', 'Umbra', 'Vista', 'Willow', 'Zenith'];
const SUFFIX = ['Labs', 'Systems', 'Partners', 'Works', 'Group', 'Analytics', 'Logistics', 'Health', 'Studio', 'Foods'];
const CITIES: Array<[string, string]> = [['Boston', 'United States'], ['Austin', 'United States'], ['Toronto', 'Canada'], ['London', 'United Kingdom'], ['Berlin', 'Germany'], ['Paris', 'France'], ['Madrid', 'Spain'], ['Dublin', 'Ireland'], ['Sydney', 'Australia'], ['Singapore', 'Singapore']];
const TITLES = ['Head of Sales', 'Marketing Manager', 'CTO', 'Operations Lead', 'Founder', 'Account Executive', 'VP Finance', 'Product Manager', 'Office Manager'];
const STAGES = ['subscriber', 'lead', 'lead', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'customer', 'evangelist'];
const LEAD_STATUS = ['NEW', 'OPEN', 'IN_PROGRESS', 'CONNECTED', 'ATTEMPTED_TO_CONTACT', 'UNQUALIFIED'];
const DEAL_STAGES = ['appointmentscheduled', 'qualifiedtobuy', 'presentationscheduled', 'decisionmakerboughtin', 'contractsent', 'closedwon', 'closedlost'];
const PLANS = ['starter', 'professional', 'enterprise'];

const DAY = 86_400_000;

/**
 * Fills an empty portal: owners, custom properties (a `plan_interest` dropdown, a
 * `newsletter_opt_in` checkbox and a `trial_start_date` date on contacts; `stripe_customer_id` on
 * companies), companies, contacts, deals, their associations, a static and a dynamic list, and —
 * when a Stripe provider is registered — Stripe customers linked through `stripe_customer_id`.
 *
 * A fifth of the contacts share one last-modified time, as HubSpot's bulk updates stamp records,
 * so mirrors meet the "more than 10,000 records on one timestamp" case at --seed 50000 and up.
 */
export function seedPortal(deps: { db: Db; records: Records; catalog: PropertyCatalog; associations: Associations; lists: Lists; now: () => number }, options: SeedOptions): SeedReport {
  const started = Date.now();
  const { db, records, catalog, associations, lists } = deps;
  const { portalId } = options;
  const existing = db.prepare('select count(*) from hs_objects where portal_id = ?').pluck().get(portalId) as number;
  if (existing > 0) throw new Error(`Portal ${portalId} already has ${existing} records; seeding only fills an empty portal. Reset it (POST /__sandbox/reset) or use a fresh --data folder.`);
  const random = seededRandom(options.seed ?? 20_240_601);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const now = deps.now();
  const contactType = objectTypeById('0-1')!;
  const companyType = objectTypeById('0-2')!;
  const dealType = objectTypeById('0-3')!;
  const n = options.contacts;
  const companyCount = Math.max(1, Math.ceil(n / 4));
  const dealCount = Math.max(1, Math.ceil(n / 5));
  const userId = 1;

  const ensure = (type: typeof contactType, name: string, def: Record<string, unknown>) => {
    if (!catalog.get(portalId, type, name)) catalog.create(portalId, type, { name, groupName: type.defaultGroup, ...def }, userId);
  };
  ensure(contactType, 'plan_interest', {
    label: 'Plan interest',
    type: 'enumeration',
    fieldType: 'select',
    options: PLANS.map((p, i) => ({ label: p[0]!.toUpperCase() + p.slice(1), value: p, displayOrder: i, hidden: false })),
  });
  ensure(contactType, 'newsletter_opt_in', { label: 'Newsletter opt-in', type: 'bool', fieldType: 'booleancheckbox' });
  ensure(contactType, 'trial_start_date', { label: 'Trial start date', type: 'date', fieldType: 'date' });
  ensure(companyType, 'stripe_customer_id', { label: 'Stripe customer ID', type: 'string', fieldType: 'text', hasUniqueValue: true });

  const insertOwner = db.prepare('insert into hs_owners (id, portal_id, email, first_name, last_name, user_id, teams, archived, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const insertObject = db.prepare('insert into hs_objects (id, portal_id, type, created_at, updated_at, archived, archived_at, visible_at, props) values (?, ?, ?, ?, ?, 0, null, ?, ?)');
  const insertEmail = db.prepare('insert or ignore into hs_emails (portal_id, email, contact_id, is_primary) values (?, ?, ?, ?)');
  const setProps = db.prepare('update hs_objects set props = ? where id = ?');
  const portalDomain = `p${portalId}`;
  const bulkStamp = Math.floor((now - 3 * DAY) / 60_000) * 60_000;

  /** created within two years back; modified between then and now. */
  const times = () => {
    const createdAt = now - Math.floor(random() * 730 * DAY) - 60_000;
    const updatedAt = createdAt + Math.floor(random() * (now - createdAt - 1000));
    return { createdAt, updatedAt };
  };

  const report = db.transaction(() => {
    const ownerIds: number[] = [];
    const ownerCount = 8;
    const maxOwner = (db.prepare('select max(id) from hs_owners').pluck().get() as number | null) ?? 70_000_000;
    for (let i = 0; i < ownerCount; i++) {
      const id = maxOwner + 1 + i;
      const first = FIRST[(i * 7) % FIRST.length]!;
      const last = LAST[(i * 5) % LAST.length]!;
      const t = now - (400 - i) * DAY;
      insertOwner.run(id, portalId, `${first}.${last}@${portalDomain}.example.com`.toLowerCase(), first, last, 5_000_000 + id % 1_000_000, JSON.stringify([{ id: '3001', name: 'Sales', primary: true }]), 0, t, t);
      ownerIds.push(id);
    }

    const companies: Array<{ id: number; name: string; domain: string }> = [];
    for (let i = 0; i < companyCount; i++) {
      const id = records.nextId();
      const name = `${pick(WORDS)} ${pick(SUFFIX)} ${i + 1}`;
      const domain = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.example.com`;
      const [city, country] = pick(CITIES);
      const { createdAt, updatedAt } = times();
      const props: Record<string, string> = {
        name,
        domain,
        website: `https://www.${domain}`,
        industry: pick(INDUSTRIES).value,
        city,
        country,
        numberofemployees: String(5 + Math.floor(random() * 2000)),
        annualrevenue: String(50_000 + Math.floor(random() * 20_000_000)),
        lifecyclestage: pick(STAGES),
        hubspot_owner_id: String(pick(ownerIds)),
        phone: `+1 617 555 ${String(1000 + (i % 9000))}`,
      };
      insertObject.run(id, portalId, companyType.id, createdAt, updatedAt, updatedAt, JSON.stringify(props));
      companies.push({ id, name, domain });
    }

    const contactIds: number[] = [];
    const newsletter: number[] = [];
    for (let i = 0; i < n; i++) {
      const id = records.nextId();
      const first = pick(FIRST);
      const last = pick(LAST);
      const company = companies[Math.floor(random() * companies.length)]!;
      const email = `${first}.${last}.${i + 1}@${company.domain}`.toLowerCase();
      const [city, country] = pick(CITIES);
      let { createdAt, updatedAt } = times();
      if (random() < 0.2) {
        createdAt = Math.min(createdAt, bulkStamp - 1000);
        updatedAt = bulkStamp;
      }
      const props: Record<string, string> = {
        email,
        firstname: first,
        lastname: last,
        company: company.name,
        jobtitle: pick(TITLES),
        phone: `+1 617 555 ${String(1000 + (i % 9000))}`,
        city,
        country,
        lifecyclestage: pick(STAGES),
        hs_lead_status: pick(LEAD_STATUS),
        hubspot_owner_id: String(pick(ownerIds)),
        hs_email_domain: company.domain,
        plan_interest: pick(PLANS),
      };
      if (random() < 0.4) props.newsletter_opt_in = 'true';
      if (random() < 0.3) props.trial_start_date = String(Math.floor(createdAt / DAY) * DAY);
      if (random() < 0.02) props.hs_additional_emails = `${first}.${last}.${i + 1}@alt-mail.example.org`.toLowerCase();
      if (random() < 0.1) props.message = `Asked about the ${props.plan_interest} plan.`;
      insertObject.run(id, portalId, contactType.id, createdAt, updatedAt, updatedAt, JSON.stringify(props));
      insertEmail.run(portalId, email, id, 1);
      if (props.hs_additional_emails) insertEmail.run(portalId, props.hs_additional_emails, id, 0);
      associations.seedEdge(portalId, contactType, id, companyType, company.id, 279, createdAt);
      associations.seedEdge(portalId, contactType, id, companyType, company.id, 1, createdAt);
      contactIds.push(id);
      if (props.newsletter_opt_in) newsletter.push(id);
    }

    for (let i = 0; i < dealCount; i++) {
      const id = records.nextId();
      const company = companies[Math.floor(random() * companies.length)]!;
      const contactId = contactIds[Math.floor(random() * contactIds.length)];
      const { createdAt, updatedAt } = times();
      const stage = pick(DEAL_STAGES);
      const props: Record<string, string> = {
        dealname: `${company.name} - ${pick(['Renewal', 'New business', 'Expansion', 'Pilot'])}`,
        amount: String(500 + Math.floor(random() * 100_000)),
        closedate: new Date(createdAt + Math.floor(random() * 120) * DAY).toISOString(),
        pipeline: 'default',
        dealstage: stage,
        dealtype: random() < 0.6 ? 'newbusiness' : 'existingbusiness',
        hubspot_owner_id: String(pick(ownerIds)),
      };
      if (stage === 'closedwon' || stage === 'closedlost') props.hs_is_closed_won = String(stage === 'closedwon');
      insertObject.run(id, portalId, dealType.id, createdAt, updatedAt, updatedAt, JSON.stringify(props));
      associations.seedEdge(portalId, dealType, id, companyType, company.id, 341, createdAt);
      associations.seedEdge(portalId, dealType, id, companyType, company.id, 5, createdAt);
      if (contactId !== undefined) associations.seedEdge(portalId, dealType, id, contactType, contactId, 3, createdAt);
    }

    const staticList = lists.create(portalId, { name: 'Newsletter subscribers', objectTypeId: '0-1', processingType: 'MANUAL' }, userId);
    const addMember = db.prepare('insert or ignore into hs_list_members (list_id, record_id, added_at) values (?, ?, ?)');
    for (const id of newsletter) addMember.run(staticList.list_id, id, now);
    const dynamicList = lists.create(
      portalId,
      {
        name: 'Customers',
        objectTypeId: '0-1',
        processingType: 'DYNAMIC',
        filterBranch: {
          filterBranchType: 'OR',
          filterBranchOperator: 'OR',
          filters: [],
          filterBranches: [
            {
              filterBranchType: 'AND',
              filterBranchOperator: 'AND',
              filterBranches: [],
              filters: [{ filterType: 'PROPERTY', property: 'lifecyclestage', operation: { operationType: 'ENUMERATION', operator: 'IS_ANY_OF', values: ['customer'], includeObjectsWithNoValueSet: false } }],
            },
          ],
        },
      },
      userId,
    );

    let stripeCustomers = 0;
    if (options.stripe) {
      const linked = options.stripe.seed({ companies: companies.map((c) => ({ id: String(c.id), name: c.name, domain: c.domain })), random });
      const byId = db.prepare('select props from hs_objects where id = ?').pluck();
      for (const link of linked) {
        const props = JSON.parse(byId.get(Number(link.companyId)) as string) as Record<string, string>;
        props.stripe_customer_id = link.customerId;
        setProps.run(JSON.stringify(props), Number(link.companyId));
      }
      stripeCustomers = linked.length;
    }

    return {
      portalId,
      contacts: n,
      companies: companyCount,
      deals: dealCount,
      owners: ownerCount,
      lists: [staticList, dynamicList].map((l) => ({ listId: String(l.list_id), name: l.name, processingType: l.processing_type })),
      stripeCustomers,
      ms: 0,
    };
  })();
  records.touched();
  return { ...report, ms: Date.now() - started };
}

import type {
  CompanyMatch,
  LeadFieldRef,
  MappedLead,
  MappedProperty,
  MappingProperty,
  MappingRow,
  PropertyProblem,
  PushSettings,
  SkipReason,
  UpdateRule,
} from '../contract/mapping.ts';
import { STANDARD_FIELD_BY_KEY } from '../leads/lead-fields.ts';
import { isFreeMailDomain } from './free-mail.ts';
import { describeFilter, fieldValue, type MappableLead, passesFilter } from './inclusion-filter.ts';
import { checkValue, isWritable, suggestProperty } from './property-checks.ts';
import { applyTransforms, domainOf } from './transforms.ts';

export type { MappableLead } from './inclusion-filter.ts';

/**
 * The portal's property definitions as mapLead sees them. `null` for an object type means the
 * definitions are unknown (never read): values are then mapped without property checks.
 */
export interface MappingCatalogue {
  contacts: readonly MappingProperty[] | null;
  companies: readonly MappingProperty[] | null;
}

export interface MapLeadOptions {
  /** ISO country for phone numbers written without a country code (the leads' setting). */
  defaultCountry?: string | null;
}

/** Maps leads with one set of settings and definitions; build it once per batch. */
export type LeadMapper = (lead: MappableLead) => MappedLead;

const sourceLabel = (ref: LeadFieldRef): string =>
  ref.startsWith('custom.') ? ref.slice(7) : (STANDARD_FIELD_BY_KEY.get(ref as never)?.label ?? ref);

interface ObjectIndex {
  known: boolean;
  byName: ReadonlyMap<string, MappingProperty>;
  all: readonly MappingProperty[];
}

const indexOf = (defs: readonly MappingProperty[] | null): ObjectIndex => ({
  known: defs !== null,
  byName: new Map((defs ?? []).map((d) => [d.name, d])),
  all: defs ?? [],
});

/**
 * THE place where a lead becomes HubSpot properties. Pure and deterministic: the same lead,
 * settings, definitions and options always give the same result, and nothing is read or written
 * elsewhere. The push engine, Send test lead and "Why isn't this lead syncing?" all use it.
 *
 * For the contact and the company, every enabled row in order:
 * - reads its lead field and applies its transforms (a step that cannot apply — an unreadable
 *   phone number or date — leaves the value unchanged and adds a `transform_failed` warning);
 * - skips an empty result (an empty lead field never clears a HubSpot value);
 * - when an earlier row already wrote the same property, is only a fallback: the first non-empty
 *   value wins (e.g. custom.mobile → phone, then phone → phone);
 * - otherwise adds `{property, value, updateRule, rowId, source}`, and, when the definitions are
 *   known, a problem for a property that doesn't exist (`property_missing`, with the internal name
 *   whose label was typed as `suggestion`), a read-only or calculated one, or a value HubSpot would
 *   refuse — not an option of the dropdown, not a number / date / datetime / true-false / email,
 *   too long (`invalid_value`). Values with problems stay in `properties`: the caller decides.
 *
 * `identity` holds the mapped `email` (trimmed, lower-cased) and `phone` values that dedupe matches on.
 *
 * The company (null when the company step is off) is matched by domain — a mapped `domain` value,
 * else the lead's website, else its email's domain unless that is a free-mail provider — then by
 * name (a mapped `name` value, else the lead's company). When no row wrote `domain` or `name`,
 * the match keys are added as derived properties (rowId null, `fillIfEmpty`), so a company created
 * from them can be found again by the next push.
 *
 * `skip` lists, in this order, what would stop a push: `excluded_by_filter` (the inclusion filter
 * is on and the lead doesn't match), `no_email` (no email and syncing without one is off),
 * `nothing_to_sync` (every enabled contact mapping is empty for this lead).
 */
export function createLeadMapper(settings: PushSettings, catalogue: MappingCatalogue, options: MapLeadOptions = {}): LeadMapper {
  const contacts = indexOf(catalogue.contacts);
  const companies = indexOf(catalogue.companies);
  const defaultCountry = options.defaultCountry ?? null;
  const contactRows = settings.contact.rows.filter((r) => r.enabled);
  const companyRows = settings.company.rows.filter((r) => r.enabled);

  function mapRows(lead: MappableLead, rows: readonly MappingRow[], index: ObjectIndex, object: 'contact' | 'company', problems: PropertyProblem[]): MappedProperty[] {
    const written = new Map<string, MappedProperty>();
    for (const row of rows) {
      const property = row.property.trim();
      if (written.has(property)) continue;
      const def = index.byName.get(property);
      const raw = fieldValue(lead, row.source);
      const { value, warnings } = applyTransforms(raw, row.transforms, { defaultCountry, propertyType: def?.type ?? null });
      if (value === '') continue;
      written.set(property, { property, value, updateRule: row.updateRule, rowId: row.id, source: row.source });
      const problem = (kind: PropertyProblem['kind'], code: PropertyProblem['code'], severity: PropertyProblem['severity'], message: string, suggestion?: string) =>
        problems.push({ object, rowId: row.id, property, source: row.source, value, kind, severity, code, message, ...(suggestion ? { suggestion } : {}) });
      for (const warning of warnings) problem('transform_failed', 'invalid_value', 'warning', `${sourceLabel(row.source)}: ${warning}`);
      if (!index.known) continue;
      if (!def) {
        const suggestion = suggestProperty(property, index.all);
        problem(
          'property_missing',
          'property_missing',
          'error',
          `The ${object} property "${property}" doesn't exist in this HubSpot portal.${suggestion ? ` "${suggestion.label}" is the label of "${suggestion.name}": map to the internal name.` : ''}`,
          suggestion?.name,
        );
        continue;
      }
      if (!isWritable(def)) {
        problem('read_only', 'invalid_value', 'error', `${def.label} (${def.name}) is ${def.calculated ? 'calculated by HubSpot' : 'read-only'}; its value can't be set.`);
        continue;
      }
      const bad = checkValue(def, value);
      if (bad) problem(bad.kind, 'invalid_value', 'error', bad.message);
    }
    return [...written.values()];
  }

  function companyMatch(lead: MappableLead, properties: readonly MappedProperty[], email: string | null): CompanyMatch {
    const mappedDomain = properties.find((p) => p.property === 'domain')?.value;
    let domain: string | null = null;
    let domainSource: CompanyMatch['domainSource'] = null;
    if (mappedDomain && domainOf(mappedDomain)) {
      domain = domainOf(mappedDomain);
      domainSource = 'mapping';
    } else if (lead.website.trim() && domainOf(lead.website)) {
      domain = domainOf(lead.website);
      domainSource = 'website';
    } else {
      const address = email ?? lead.email.trim().toLowerCase();
      const fromEmail = address.includes('@') ? domainOf(address.slice(address.lastIndexOf('@') + 1)) : null;
      if (fromEmail && !isFreeMailDomain(fromEmail)) {
        domain = fromEmail;
        domainSource = 'email';
      }
    }
    const name = properties.find((p) => p.property === 'name')?.value.trim() || lead.company.trim() || null;
    return { domain, domainSource, name };
  }

  const filterText = () => describeFilter(settings.filter, sourceLabel);

  return (lead) => {
    const problems: PropertyProblem[] = [];
    const contactProperties = mapRows(lead, contactRows, contacts, 'contact', problems);
    const email = contactProperties.find((p) => p.property === 'email')?.value.trim().toLowerCase() || null;
    const phone = contactProperties.find((p) => p.property === 'phone')?.value.trim() || null;

    let company: MappedLead['company'] = null;
    if (settings.company.enabled) {
      const properties = mapRows(lead, companyRows, companies, 'company', problems);
      const match = companyMatch(lead, properties, email);
      const derive = (property: string, value: string | null) => {
        if (value && !properties.some((p) => p.property === property)) {
          properties.push({ property, value, updateRule: 'fillIfEmpty' satisfies UpdateRule, rowId: null, source: null });
        }
      };
      derive('name', match.name);
      derive('domain', match.domain);
      company = { properties, match };
    }

    const skip: SkipReason[] = [];
    if (!passesFilter(lead, settings.filter)) {
      skip.push({ code: 'excluded_by_filter', message: `Excluded by the inclusion filter: only leads where ${filterText()} are pushed.` });
    }
    if (!email && !settings.advanced.syncWithoutEmail) {
      const mapsEmail = contactRows.some((r) => r.property.trim() === 'email');
      skip.push({
        code: 'no_email',
        message: mapsEmail
          ? 'The lead has no email, and leads without one are skipped (Advanced config: Sync leads without an email).'
          : 'No enabled mapping writes the email property, and leads without an email are skipped.',
      });
    }
    if (contactProperties.length === 0) {
      skip.push({ code: 'nothing_to_sync', message: 'Every enabled field mapping is empty for this lead: there is nothing to send.' });
    }

    return { leadId: lead.id, skip, contact: { properties: contactProperties }, identity: { email, phone }, company, problems };
  };
}

/** Maps one lead. For many leads with the same settings, build a mapper once with createLeadMapper. */
export function mapLead(lead: MappableLead, settings: PushSettings, catalogue: MappingCatalogue, options: MapLeadOptions = {}): MappedLead {
  return createLeadMapper(settings, catalogue, options)(lead);
}

/**
 * The properties to send for one object given what HubSpot holds now, applying each value's
 * update rule: `overwrite` always; `fillIfEmpty` only where HubSpot has no value; `neverOverwrite`
 * only when the record is being created. `existing` null: the record doesn't exist yet.
 */
export function resolveWrites(properties: readonly MappedProperty[], existing: Readonly<Record<string, string | null | undefined>> | null): Record<string, string> {
  const writes: Record<string, string> = {};
  for (const p of properties) {
    if (existing === null) writes[p.property] = p.value;
    else if (p.updateRule === 'overwrite') writes[p.property] = p.value;
    else if (p.updateRule === 'fillIfEmpty' && (existing[p.property] ?? '') === '') writes[p.property] = p.value;
  }
  return writes;
}

import { type CustomField, FULL_NAME_TARGET, type ImportTargetOption, type StandardLeadField } from '../../contract/leads.ts';
import { STANDARD_FIELD_SPECS } from '../lead-fields.ts';

/** "E-Mail Adresse" → "emailadresse": lower case, accents and punctuation gone. */
export function normalizeHeader(header: string): string {
  return header
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}

type Target = StandardLeadField | typeof FULL_NAME_TARGET;

/** Header names seen in exports from CRMs, spreadsheets and event tools, in English, German, French, Spanish, Dutch and Italian. */
const SYNONYMS: Record<Target, string[]> = {
  firstName: ['firstname', 'first', 'givenname', 'forename', 'fname', 'vorname', 'prenom', 'nombre', 'voornaam', 'nome', 'contactfirstname'],
  lastName: ['lastname', 'last', 'surname', 'familyname', 'lname', 'nachname', 'familienname', 'nom', 'nomdefamille', 'apellido', 'apellidos', 'achternaam', 'cognome', 'contactlastname'],
  fullName: ['name', 'fullname', 'contactname', 'contact', 'naam', 'nomcomplet', 'nombrecompleto', 'nominativo', 'kontaktname', 'person'],
  email: ['email', 'emailaddress', 'mail', 'emailadresse', 'mailadresse', 'courriel', 'adressemail', 'adresseemail', 'correo', 'correoelectronico', 'emailadres', 'posta', 'workemail', 'businessemail', 'contactemail'],
  phone: ['phone', 'phonenumber', 'telephone', 'tel', 'telefon', 'telefonnummer', 'telefono', 'telefoon', 'telefoonnummer', 'mobile', 'mobilephone', 'mobilenumber', 'cell', 'cellphone', 'handy', 'mobil', 'mobilnummer', 'mobiel', 'portable', 'cellulare', 'workphone', 'businessphone', 'directphone', 'numero'],
  company: ['company', 'companyname', 'organization', 'organisation', 'org', 'firma', 'firmenname', 'unternehmen', 'societe', 'entreprise', 'empresa', 'bedrijf', 'bedrijfsnaam', 'azienda', 'account', 'accountname', 'employer', 'business'],
  jobTitle: ['jobtitle', 'title', 'position', 'role', 'job', 'titel', 'funktion', 'berufsbezeichnung', 'poste', 'fonction', 'cargo', 'puesto', 'functie', 'ruolo', 'designation'],
  website: ['website', 'web', 'url', 'homepage', 'site', 'siteweb', 'siteinternet', 'webseite', 'internetseite', 'sitioweb', 'paginaweb', 'webpage', 'domain', 'companywebsite', 'companydomain', 'internet'],
  notes: ['notes', 'note', 'comments', 'comment', 'description', 'remarks', 'notizen', 'notiz', 'bemerkung', 'bemerkungen', 'kommentar', 'anmerkungen', 'commentaire', 'commentaires', 'remarques', 'notas', 'comentarios', 'opmerkingen', 'opmerking', 'message'],
  source: ['source', 'leadsource', 'quelle', 'leadquelle', 'herkunft', 'origin', 'origine', 'fuente', 'origen', 'bron', 'channel', 'kanal'],
  owner: ['owner', 'leadowner', 'contactowner', 'accountowner', 'assignedto', 'salesrep', 'besitzer', 'inhaber', 'verantwortlich', 'zustandig', 'responsable', 'propietario', 'eigenaar', 'proprietaire'],
};

const EXACT = new Map<string, Target>();
for (const [target, names] of Object.entries(SYNONYMS) as Array<[Target, string[]]>) for (const name of names) EXACT.set(name, target);

/** Last resort: a header that contains one of these words. Order matters ("emailphone" is rare; "companyphone" is a phone). */
const CONTAINS: Array<[string, Target]> = [
  ['email', 'email'],
  ['mail', 'email'],
  ['phone', 'phone'],
  ['telefon', 'phone'],
  ['mobile', 'phone'],
  ['website', 'website'],
  ['url', 'website'],
  ['firstname', 'firstName'],
  ['vorname', 'firstName'],
  ['lastname', 'lastName'],
  ['nachname', 'lastName'],
  ['surname', 'lastName'],
  ['company', 'company'],
  ['firma', 'company'],
  ['organi', 'company'],
  ['title', 'jobTitle'],
  ['note', 'notes'],
  ['comment', 'notes'],
  ['owner', 'owner'],
  ['source', 'source'],
];

export function importTargets(fields: readonly CustomField[]): ImportTargetOption[] {
  return [
    ...STANDARD_FIELD_SPECS.map((f) => ({ key: f.key, label: f.label, kind: 'standard' as const })),
    { key: FULL_NAME_TARGET, label: 'Full name (split into first and last name)', kind: 'special' as const },
    ...fields.map((f) => ({ key: f.key, label: f.label, kind: 'custom' as const })),
  ];
}

/**
 * A target for each header: what the operator chose for this header in earlier imports, then
 * custom fields with the same label or key, then known header names, then headers containing a
 * telling word. A target is given to one column at most (the first).
 */
export function suggestTargets(
  headers: readonly string[],
  fields: readonly CustomField[],
  remembered: ReadonlyMap<string, string | null> = new Map(),
): Array<string | null> {
  const valid = new Set(importTargets(fields).map((t) => t.key));
  const used = new Set<string>();
  const take = (target: string | null | undefined): string | null => {
    if (!target || !valid.has(target) || used.has(target)) return null;
    if (target === FULL_NAME_TARGET && (used.has('firstName') || used.has('lastName'))) return null;
    used.add(target);
    return target;
  };
  const normalized = headers.map(normalizeHeader);
  const result: Array<string | null | undefined> = normalized.map((h) => (remembered.has(h) ? take(remembered.get(h)) ?? null : undefined));
  const passes: Array<(h: string) => string | undefined> = [
    (h) => fields.find((f) => normalizeHeader(f.label) === h || normalizeHeader(f.key) === h)?.key,
    (h) => EXACT.get(h),
    (h) => CONTAINS.find(([word]) => h.includes(word))?.[1],
  ];
  for (const pass of passes) {
    normalized.forEach((h, i) => {
      if (result[i] !== undefined || !h) return;
      const target = take(pass(h));
      if (target) result[i] = target;
    });
  }
  // A file with first and last name columns doesn't need its full-name column split as well.
  if (used.has(FULL_NAME_TARGET) && (used.has('firstName') || used.has('lastName'))) {
    const i = result.indexOf(FULL_NAME_TARGET);
    if (i >= 0 && remembered.get(normalized[i]!) !== FULL_NAME_TARGET) result[i] = null;
  }
  return result.map((t) => t ?? null);
}

const VALUE_PATTERNS: Array<[StandardLeadField, RegExp]> = [
  ['email', /^[^\s@]+@[^\s@]+\.[^\s@]+$/],
  ['website', /^(https?:\/\/|www\.)\S+$|^[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}(\/\S*)?$/i],
  ['phone', /^[+(]?\d[\d\s().\-/]{5,}\d$/],
];

/**
 * Fills unassigned columns whose values are clearly emails, web addresses or phone numbers
 * (files without a header row, or with headers nobody could guess).
 */
export function suggestFromValues(targets: Array<string | null>, valuesByColumn: ReadonlyArray<readonly string[]>): Array<string | null> {
  const result = [...targets];
  const used = new Set(result.filter(Boolean));
  valuesByColumn.forEach((values, column) => {
    if (result[column] || values.length === 0) return;
    for (const [field, pattern] of VALUE_PATTERNS) {
      if (used.has(field)) continue;
      if (values.filter((v) => pattern.test(v)).length >= Math.ceil(values.length * 0.8)) {
        result[column] = field;
        used.add(field);
        return;
      }
    }
  });
  return result;
}

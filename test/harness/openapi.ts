import fs from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

/** The repository's root; the shared reference material sits beside it (`../shared`), on CI too. */
export const repoRoot = path.resolve(import.meta.dirname, '..', '..');
export const hubspotSpecDir = path.join(repoRoot, '..', 'shared', 'reference', 'hubspot-openapi');

type Json = Record<string, unknown>;
interface Spec {
  paths: Record<string, Record<string, { responses?: Record<string, Json> }>>;
  components: { schemas: Record<string, Json>; responses?: Record<string, Json> };
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
for (const format of ['int32', 'int64', 'float', 'double', 'byte', 'binary']) ajv.addFormat(format, true);
const loaded = new Map<string, Spec>();
const compiled = new Map<string, ValidateFunction>();

/**
 * HubSpot returns `null` for requested properties a record has no value for (documented and
 * captured, hubspot-api-facts §3.2) while the specs type every property value as a plain string;
 * the property maps of CRM objects are therefore allowed to hold nulls. Nothing else is relaxed.
 */
function allowNullPropertyValues(spec: Spec): void {
  for (const schema of Object.values(spec.components.schemas)) {
    const props = (schema.properties as Record<string, Json> | undefined)?.properties;
    const additional = props?.additionalProperties as Json | undefined;
    if (additional && additional.type === 'string') additional.nullable = true;
  }
}

/**
 * Where HubSpot's documented responses and its spec disagree, the sandbox follows the documented
 * (captured) behaviour and the check accepts it. Each entry names its source in hubspot-api-facts.
 */
const DOCUMENTED_DIVERGENCES: Record<string, Array<[schema: string, property: string, patch: Json]>> = {
  'Associations/130902/v4/associations.json': [
    // §5: "toObjectId is a number in responses; label is null for unlabeled" (v4 guide example).
    ['MultiAssociatedObjectWithLabel', 'toObjectId', { type: ['string', 'integer'] }],
    ['AssociationSpecWithLabel', 'label', { nullable: true }],
    // §5: the PUT example returns "fromObjectId":29851 and "toObjectId":21678228008.
    ['LabelsBetweenObjectPair', 'fromObjectId', { type: ['string', 'integer'] }],
    ['LabelsBetweenObjectPair', 'toObjectId', { type: ['string', 'integer'] }],
  ],
};

function load(relPath: string): Spec {
  let spec = loaded.get(relPath);
  if (!spec) {
    spec = JSON.parse(fs.readFileSync(path.join(hubspotSpecDir, relPath), 'utf8')) as Spec;
    allowNullPropertyValues(spec);
    for (const [schema, property, patch] of DOCUMENTED_DIVERGENCES[relPath] ?? []) {
      Object.assign((spec.components.schemas[schema]!.properties as Record<string, Json>)[property]!, patch);
    }
    ajv.addSchema(spec as unknown as Json, relPath);
    loaded.set(relPath, spec);
  }
  return spec;
}

function validator(relPath: string, pointer: string): ValidateFunction {
  const key = `${relPath}#${pointer}`;
  let fn = compiled.get(key);
  if (!fn) {
    load(relPath);
    fn = ajv.compile({ $ref: key });
    compiled.set(key, fn);
  }
  return fn;
}

function explain(fn: ValidateFunction, what: string, body: unknown): string {
  const errors = (fn.errors ?? []).slice(0, 8).map((e) => `  ${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  return `${what} does not match the official schema:\n${errors.join('\n')}\nbody: ${JSON.stringify(body).slice(0, 1500)}`;
}

/** Validators for one official spec file, e.g. `Objects/424/v3/objects.json`. */
export function openApiSpec(relPath: string) {
  return {
    /** Throws unless `body` matches the named component schema. */
    schema(name: string, body: unknown): void {
      const fn = validator(relPath, `/components/schemas/${name}`);
      if (!fn(body)) throw new Error(explain(fn, name, body));
    },
    /** Throws unless `body` matches the response the spec declares for this operation and status (or its `default`). */
    response(method: string, pathTemplate: string, status: number, body: unknown): void {
      const spec = load(relPath);
      const operation = spec.paths[pathTemplate]?.[method.toLowerCase()];
      if (!operation?.responses) throw new Error(`${relPath} has no operation ${method} ${pathTemplate}`);
      const declared = operation.responses[String(status)] !== undefined;
      let response = operation.responses[String(status)] ?? operation.responses.default;
      if (!response) throw new Error(`${relPath}: ${method} ${pathTemplate} declares no ${status} response and no default`);
      const ref = response.$ref as string | undefined;
      if (ref) response = spec.components.responses![ref.split('/').pop()!]!;
      const content = response.content as Record<string, { schema?: Json }> | undefined;
      const schema = content?.['application/json']?.schema ?? content?.['*/*']?.schema;
      if (!schema) {
        if (body !== undefined && body !== '') throw new Error(`${method} ${pathTemplate} ${status} declares no body, got ${JSON.stringify(body).slice(0, 200)}`);
        return;
      }
      const pointer = schema.$ref ? (schema.$ref as string).slice(1) : undefined;
      const fn = pointer ? validator(relPath, pointer) : ajv.compile(schema);
      if (!fn(body)) throw new Error(explain(fn, `${method} ${pathTemplate} → ${status}${declared ? '' : ' (default)'}`, body));
    },
  };
}

export const specs = {
  objects: () => openApiSpec('Objects/424/v3/objects.json'),
  contacts: () => openApiSpec('Contacts/424/v3/contacts.json'),
  companies: () => openApiSpec('Companies/424/v3/companies.json'),
  deals: () => openApiSpec('Deals/424/v3/deals.json'),
  properties: () => openApiSpec('Properties/145899/v3/properties.json'),
  associations: () => openApiSpec('Associations/130902/v4/associations.json'),
  lists: () => openApiSpec('Lists/144891/v3/lists.json'),
  owners: () => openApiSpec('Crm_Owners/146888/v3/crmOwners.json'),
  pipelines: () => openApiSpec('Pipelines/145896/v3/pipelines.json'),
  accountInfo: () => openApiSpec('Account_Info/144923/v3/accountInfo.json'),
  oauthV1: () => openApiSpec('Oauth/155908/v1/oauth.json'),
  oauthV3: () => openApiSpec('Oauth/279897/v3/oauth.json'),
};

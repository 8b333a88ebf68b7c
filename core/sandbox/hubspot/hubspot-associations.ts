import type { Db } from '../../store/database.ts';
import { validationError } from './hubspot-errors.ts';
import type { ObjectType } from './hubspot-object-types.ts';

export interface AssociationType {
  typeId: number;
  from: string;
  to: string;
  /** `Primary` for the primary-company types, null for unlabeled ones. */
  label: string | null;
  /** The v3 name shown by `?associations=` (e.g. `contact_to_company_unlabeled`). */
  v3Name: string;
  inverse: number;
  primary: boolean;
}

/** HubSpot-defined association types between contacts (0-1), companies (0-2) and deals (0-3) (hubspot-api-facts §5). */
export const ASSOCIATION_TYPES: AssociationType[] = [
  { typeId: 279, from: '0-1', to: '0-2', label: null, v3Name: 'contact_to_company_unlabeled', inverse: 280, primary: false },
  { typeId: 1, from: '0-1', to: '0-2', label: 'Primary', v3Name: 'contact_to_company', inverse: 2, primary: true },
  { typeId: 280, from: '0-2', to: '0-1', label: null, v3Name: 'company_to_contact_unlabeled', inverse: 279, primary: false },
  { typeId: 2, from: '0-2', to: '0-1', label: 'Primary', v3Name: 'company_to_contact', inverse: 1, primary: true },
  { typeId: 4, from: '0-1', to: '0-3', label: null, v3Name: 'contact_to_deal', inverse: 3, primary: false },
  { typeId: 3, from: '0-3', to: '0-1', label: null, v3Name: 'deal_to_contact', inverse: 4, primary: false },
  { typeId: 341, from: '0-3', to: '0-2', label: null, v3Name: 'deal_to_company_unlabeled', inverse: 342, primary: false },
  { typeId: 5, from: '0-3', to: '0-2', label: 'Primary', v3Name: 'deal_to_company', inverse: 6, primary: true },
  { typeId: 342, from: '0-2', to: '0-3', label: null, v3Name: 'company_to_deal_unlabeled', inverse: 341, primary: false },
  { typeId: 6, from: '0-2', to: '0-3', label: 'Primary', v3Name: 'company_to_deal', inverse: 5, primary: true },
  { typeId: 449, from: '0-1', to: '0-1', label: null, v3Name: 'contact_to_contact', inverse: 449, primary: false },
  { typeId: 450, from: '0-2', to: '0-2', label: null, v3Name: 'company_to_company', inverse: 450, primary: false },
  { typeId: 13, from: '0-2', to: '0-2', label: 'Child Company', v3Name: 'parent_to_child_company', inverse: 14, primary: false },
  { typeId: 14, from: '0-2', to: '0-2', label: 'Parent Company', v3Name: 'child_to_parent_company', inverse: 13, primary: false },
  { typeId: 451, from: '0-3', to: '0-3', label: null, v3Name: 'deal_to_deal', inverse: 451, primary: false },
];
const BY_ID = new Map(ASSOCIATION_TYPES.map((t) => [t.typeId, t]));
export const associationType = (typeId: number) => BY_ID.get(typeId);

/** The unlabeled ("default") type between two object types. */
export function defaultTypeId(from: ObjectType, to: ObjectType): number | undefined {
  return ASSOCIATION_TYPES.find((t) => t.from === from.id && t.to === to.id && t.label === null)?.typeId;
}

export interface AssociationSpecInput {
  associationCategory?: unknown;
  associationTypeId?: unknown;
}

interface EdgeRow {
  to_id: number;
  type_id: number;
  category: string;
}

/**
 * Associations, stored in both directions so every read is a prefix scan on the from-id. A labelled
 * type always comes with its unlabeled one (deleting the unlabeled removes the labels, like HubSpot).
 *
 * UNCONFIRMED (hubspot-api-facts §5): when a contact or deal gets its first company, that company is
 * also made primary (typeId 1 / 5), which yields the "primary + unlabeled" pair real GETs show.
 */
export function createAssociations(db: Db) {
  const insertEdge = db.prepare(
    'insert or ignore into hs_associations (from_id, to_type, to_id, type_id, category, portal_id, from_type, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const edgesTo = db.prepare('select to_id, type_id, category from hs_associations where from_id = ? and to_type = ? order by to_id, type_id');
  const pairEdges = db.prepare('select type_id from hs_associations where from_id = ? and to_type = ? and to_id = ?').pluck();
  const deleteEdge = db.prepare('delete from hs_associations where from_id = ? and to_type = ? and to_id = ? and type_id = ?');
  const hasPrimary = db.prepare('select 1 from hs_associations where from_id = ? and to_type = ? and type_id = ? limit 1').pluck();

  const addOne = (portalId: number, from: ObjectType, fromId: number, to: ObjectType, toId: number, type: AssociationType, category: string, now: number) => {
    insertEdge.run(fromId, to.id, toId, type.typeId, category, portalId, from.id, now);
    insertEdge.run(toId, from.id, fromId, type.inverse, category, portalId, to.id, now);
  };
  const removeOne = (from: ObjectType, fromId: number, to: ObjectType, toId: number, type: AssociationType) => {
    deleteEdge.run(fromId, to.id, toId, type.typeId);
    deleteEdge.run(toId, from.id, fromId, type.inverse);
  };

  const associations = {
    /** Checks `types` of a v4 or create-time association; throws HubSpot's 400 for unknown or mismatched types. */
    resolveTypes(from: ObjectType, to: ObjectType, specs: unknown): AssociationType[] {
      if (!Array.isArray(specs) || specs.length === 0) validationError('Association "types" must be a non-empty array of {associationCategory, associationTypeId}.');
      return (specs as AssociationSpecInput[]).map((spec) => {
        const type = associationType(Number(spec?.associationTypeId));
        if (!['HUBSPOT_DEFINED', 'USER_DEFINED', 'INTEGRATOR_DEFINED', 'WORK'].includes(String(spec?.associationCategory))) {
          validationError(`Invalid associationCategory ${JSON.stringify(spec?.associationCategory)}. Use HUBSPOT_DEFINED, USER_DEFINED, INTEGRATOR_DEFINED or WORK.`);
        }
        if (!type || type.from !== from.id || type.to !== to.id || spec.associationCategory !== 'HUBSPOT_DEFINED') {
          validationError(`association type id ${String(spec?.associationTypeId)} doesn't exist between ${from.singular} and ${to.singular}`, {
            errors: [{ message: `Invalid association type ${String(spec?.associationTypeId)} from ${from.id} to ${to.id}`, code: 'INVALID_ASSOCIATION_TYPE' }],
          });
        }
        return type;
      });
    },

    /** Creates associations of these types (plus the unlabeled one, and primary for a first company). */
    add(portalId: number, from: ObjectType, fromId: number, to: ObjectType, toId: number, types: AssociationType[], now: number): void {
      const unlabeled = defaultTypeId(from, to);
      const all = new Set(types);
      if (unlabeled !== undefined) all.add(associationType(unlabeled)!);
      const primaryType = ASSOCIATION_TYPES.find((t) => t.from === from.id && t.to === to.id && t.primary);
      if (primaryType && (from.id === '0-1' || from.id === '0-3') && hasPrimary.get(fromId, to.id, primaryType.typeId) === undefined) all.add(primaryType);
      for (const type of all) {
        if (type.primary && (from.id === '0-1' || from.id === '0-3')) {
          // One primary company per contact or deal: the new one replaces the old.
          for (const edge of edgesTo.all(fromId, to.id) as EdgeRow[]) if (edge.type_id === type.typeId && edge.to_id !== toId) removeOne(from, fromId, to, edge.to_id, type);
        }
        addOne(portalId, from, fromId, to, toId, type, 'HUBSPOT_DEFINED', now);
      }
    },

    /** `PUT …/associations/{toType}/{toId}` replaces the labels between the pair with these types. */
    replaceLabels(portalId: number, from: ObjectType, fromId: number, to: ObjectType, toId: number, types: AssociationType[], now: number): void {
      const keep = new Set(types.map((t) => t.typeId));
      const unlabeled = defaultTypeId(from, to);
      for (const typeId of pairEdges.all(fromId, to.id, toId) as number[]) {
        if (!keep.has(typeId) && typeId !== unlabeled) removeOne(from, fromId, to, toId, associationType(typeId)!);
      }
      associations.add(portalId, from, fromId, to, toId, types, now);
    },

    /** Removes every association between the pair. */
    removePair(from: ObjectType, fromId: number, to: ObjectType, toId: number): void {
      for (const typeId of pairEdges.all(fromId, to.id, toId) as number[]) removeOne(from, fromId, to, toId, associationType(typeId)!);
    },

    /** Removes only these labels; removing the unlabeled type removes all. */
    removeLabels(from: ObjectType, fromId: number, to: ObjectType, toId: number, types: AssociationType[]): void {
      if (types.some((t) => t.label === null)) return associations.removePair(from, fromId, to, toId);
      for (const type of types) removeOne(from, fromId, to, toId, type);
    },

    /** Associated records of one type, grouped by target, ordered by target id. */
    list(fromId: number, to: ObjectType): Array<{ toObjectId: number; types: AssociationType[]; category: string }> {
      const grouped = new Map<number, { toObjectId: number; types: AssociationType[]; category: string }>();
      for (const edge of edgesTo.all(fromId, to.id) as EdgeRow[]) {
        const type = associationType(edge.type_id);
        if (!type) continue;
        let entry = grouped.get(edge.to_id);
        if (!entry) grouped.set(edge.to_id, (entry = { toObjectId: edge.to_id, types: [], category: edge.category }));
        entry.types.push(type);
      }
      return [...grouped.values()];
    },

    labelsBetween(fromId: number, to: ObjectType, toId: number): string[] {
      return (pairEdges.all(fromId, to.id, toId) as number[]).map((id) => associationType(id)?.label).filter((l): l is string => typeof l === 'string');
    },

    /** Bulk insert for seeding: both directions, no checks. */
    seedEdge(portalId: number, from: ObjectType, fromId: number, to: ObjectType, toId: number, typeId: number, now: number): void {
      addOne(portalId, from, fromId, to, toId, associationType(typeId)!, 'HUBSPOT_DEFINED', now);
    },
  };
  return associations;
}
export type Associations = ReturnType<typeof createAssociations>;

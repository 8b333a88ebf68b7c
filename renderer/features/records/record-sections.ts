import type { ComponentType } from 'react';
import type { RecordDetail } from '../../../core/contract/mirror.ts';
import type { Workspace } from '../../../core/contract/workspaces.ts';
import { syncCardSection } from '../history/sync-card.tsx';

export interface RecordSectionProps {
  workspace: Workspace;
  record: RecordDetail;
}

/**
 * Extra cards of a record page, registered by other features — the push feature adds its lead
 * push history ("sync card") for contacts here. Each section decides whether it applies.
 */
export interface RecordSection {
  id: string;
  /** Object types the section appears on. */
  objectTypes: ReadonlyArray<RecordDetail['objectType']>;
  component: ComponentType<RecordSectionProps>;
}

/** The registration point, in display order (like shell/extensions.ts). */
export const recordSections: RecordSection[] = [syncCardSection];

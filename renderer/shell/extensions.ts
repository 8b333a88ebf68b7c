import type { ComponentType } from 'react';
import type { Workspace } from '../../core/contract/workspaces.ts';
import { connectionHealthColumns } from '../features/connections/health-columns.tsx';
import { BudgetMeter, HubSpotCard, StripeCard } from '../features/connections/overview-cards.tsx';
import { historyHealthColumns } from '../features/history/health-columns.tsx';
import { mirrorHealthColumns } from '../features/sync/health-columns.tsx';

/**
 * Places where features add to shared pages without editing them (like `workspaceBanners` in
 * pages.ts). A feature adds its entries here, in display order.
 */

/** Cards on a workspace's Overview, after its identity card. */
export const overviewCards: Array<ComponentType<{ workspace: Workspace }>> = [HubSpotCard, StripeCard, BudgetMeter];

export interface HealthColumn {
  id: string;
  header: string;
  Cell: ComponentType<{ workspace: Workspace }>;
}

/** Columns of the health board after the workspace name, one row per workspace. */
export const healthColumns: HealthColumn[] = [...connectionHealthColumns, ...mirrorHealthColumns, ...historyHealthColumns];

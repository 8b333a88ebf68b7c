import type { ComponentType } from 'react';
import type { Workspace } from '../../core/contract/workspaces.ts';
import type { IconName } from '../components/icons.tsx';
import { ConnectionBanner } from '../features/connections/connection-banner.tsx';
import { FailedJobsBadge, HistoryPage } from '../features/history/history-page.tsx';
import { LeadsPage } from '../features/leads/leads-page.tsx';
import { MappingPage } from '../features/mapping/mapping-page.tsx';
import { BillingPage } from '../features/billing/billing-page.tsx';
import { OverviewPage } from '../features/overview/overview-page.tsx';
import { RecordsPage } from '../features/records/records-page.tsx';
import { SyncPage } from '../features/sync/sync-page.tsx';

export interface WorkspacePageProps {
  workspace: Workspace;
  /** The rest of the route after the page id (a record id, a job id…). */
  param?: string;
}

export interface WorkspacePage {
  id: string;
  label: string;
  icon: IconName;
  component: ComponentType<WorkspacePageProps>;
  /** A count beside the link (failed jobs…). */
  badge?: ComponentType<{ workspaceId: string; id: string }>;
}

/** The pages of a workspace, in navigation order. A feature adds its page here. */
export const workspacePages: WorkspacePage[] = [
  { id: 'overview', label: 'Overview', icon: 'overview', component: OverviewPage },
  // Push: the leads, how they map, what happened to them.
  { id: 'leads', label: 'Leads', icon: 'leads', component: LeadsPage },
  { id: 'mapping', label: 'Mapping', icon: 'mapping', component: MappingPage },
  { id: 'history', label: 'Sync History', icon: 'history', component: HistoryPage, badge: FailedJobsBadge },
  // Mirror: the runs, then what they brought.
  { id: 'sync', label: 'Sync', icon: 'sync', component: SyncPage },
  { id: 'records', label: 'Records', icon: 'database', component: RecordsPage },
  { id: 'billing', label: 'Billing', icon: 'card', component: BillingPage },
];

/** Banners shown above every page of a workspace (connection state, paused jobs…). */
export const workspaceBanners: Array<ComponentType<{ workspace: Workspace }>> = [ConnectionBanner];

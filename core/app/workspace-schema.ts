import { connectionMigrations } from '../connections/connection-schema.ts';
import { jobMigrations } from '../jobs/job-schema.ts';
import { leadMigrations } from '../leads/lead-schema.ts';
import { mappingMigrations } from '../mapping/mapping-schema.ts';
import { catalogueMigrations } from '../catalogue/catalogue-schema.ts';
import { mirrorMigrations } from '../mirror/mirror-schema.ts';
import { historyMigrations } from '../push/history-schema.ts';
import type { MigrationSet } from '../store/migrations.ts';
import { workspaceBaseMigrations } from '../workspaces/workspace-schema.ts';

/**
 * Every workspace database's migrations, by domain, in the order they apply.
 * A feature that needs tables adds its set here (after the sets its tables reference).
 */
export const workspaceMigrationSets: MigrationSet[] = [workspaceBaseMigrations, connectionMigrations, catalogueMigrations, mirrorMigrations, leadMigrations, mappingMigrations, jobMigrations, historyMigrations];

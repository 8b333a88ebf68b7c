import type { Command } from '../command.ts';
import { bundleCommand, replayCommand } from './bundle.ts';
import { jobsCommand } from './jobs.ts';
import { leadsCommand } from './leads.ts';
import { mappingCommand } from './mapping.ts';
import { mirrorCommand } from './mirror.ts';
import { mrrCommand } from './mrr.ts';
import { pushCommand } from './push.ts';
import { recordsCommand } from './records.ts';
import { sandboxCommand } from './sandbox.ts';
import { connectCommand, disconnectCommand, statusCommand } from './connections.ts';
import { serveCommand } from './serve.ts';
import { testLeadCommand } from './test-lead.ts';
import { workspaceCommand } from './workspace.ts';

/** Every `syncdesk` command. A new command is one file in this folder and one line here. */
export const commands: Command[] = [serveCommand, sandboxCommand, workspaceCommand, mirrorCommand, recordsCommand, mrrCommand, leadsCommand, mappingCommand, testLeadCommand, connectCommand, statusCommand, disconnectCommand, pushCommand, jobsCommand, bundleCommand, replayCommand];

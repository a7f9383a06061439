// `opsdesk config`: the effective configuration after defaults and validation, secrets masked.
import { describeConfig, loadConfig } from '../core/config.js';
import { sqliteFileOf } from '../core/runtime.js';
import { say } from './command-context.js';

export async function configCommand(): Promise<void> {
  const config = loadConfig();
  const database = config.databaseUrl ? 'postgresql' : `sqlite ${sqliteFileOf(config)}`;
  say(JSON.stringify({ ...describeConfig(config), database }, null, 2));
}

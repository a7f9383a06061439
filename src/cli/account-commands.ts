// `opsdesk user create|list` and `opsdesk token create`: account work an administrator does from the
// host, through the same domain functions as the API (so it is validated and audited the same way).
import {
  actorForUser,
  createApiToken,
  createUser,
  listGroups,
  listUsers,
  normaliseEmail,
  systemActor,
  type User,
} from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Role } from '../core/db/index.js';
import { note, say, withContext } from './command-context.js';
import { CommandFailed, UsageError } from './exit-codes.js';
import { readPassword } from './password-input.js';

// Reads by the service itself; id 0 is no account, and nothing read here is written back.
const reader = systemActor(0);

export async function createUserCommand(options: {
  email: string;
  name: string;
  role: Role;
  group?: string[];
}): Promise<void> {
  normaliseEmail(options.email); // a bad address fails before we wait for a password
  const password = await readPassword();
  await withContext(async ({ ctx }) => {
    const groupIds = await groupIdsByName(ctx, options.group ?? []);
    const user = await createUser(ctx, null, {
      email: options.email,
      name: options.name,
      role: options.role,
      password,
      groupIds,
    });
    say(`Created ${user.role} ${user.email} (id ${user.id}).`);
  });
}

async function groupIdsByName(ctx: ServiceContext, names: string[]): Promise<number[]> {
  if (names.length === 0) return [];
  const groups = await listGroups(ctx, reader);
  return names.map((name) => {
    const group = groups.find((g) => g.name.toLowerCase() === name.trim().toLowerCase());
    if (!group) {
      const known = groups.length ? groups.map((g) => `"${g.name}"`).join(', ') : 'none yet';
      throw new UsageError(`no group named "${name}" (groups: ${known})`);
    }
    return group.id;
  });
}

export async function listUsersCommand(options: { role?: Role; json?: boolean }): Promise<void> {
  await withContext(async ({ ctx }) => {
    const users: User[] = [];
    for (;;) {
      const page = await listUsers(ctx, reader, {
        role: options.role,
        limit: 500,
        afterId: users.at(-1)?.id,
      });
      users.push(...page);
      if (page.length < 500) break;
    }
    const groupNames = new Map((await listGroups(ctx, reader)).map((g) => [g.id, g.name]));
    if (options.json) {
      say(
        JSON.stringify(
          users.map((u) => ({ ...u, groups: u.groupIds.map((id) => groupNames.get(id)) })),
          null,
          2,
        ),
      );
      return;
    }
    const rows = users.map((u) => [
      String(u.id),
      u.email,
      u.name,
      u.role,
      u.active ? 'yes' : 'no',
      u.groupIds.map((id) => groupNames.get(id) ?? id).join(', '),
    ]);
    printTable(['ID', 'EMAIL', 'NAME', 'ROLE', 'ACTIVE', 'GROUPS'], rows);
    note(`${users.length} user${users.length === 1 ? '' : 's'}`);
  });
}

export async function createTokenCommand(options: {
  email: string;
  name: string;
  expiresDays?: number;
}): Promise<void> {
  const email = normaliseEmail(options.email);
  await withContext(async ({ ctx }) => {
    const user = (await listUsers(ctx, reader, { q: email, limit: 100 })).find((u) => u.email === email);
    if (!user) throw new CommandFailed(`no account with the email ${email}`);
    if (!user.active) throw new CommandFailed(`the account ${email} is deactivated`);
    const owner = actorForUser(user);
    const token = await createApiToken(ctx, owner, {
      name: options.name,
      expiresInDays: options.expiresDays ?? null,
    });
    // The token alone on stdout, so `TOKEN=$(opsdesk token create …)` works; the advice on stderr.
    say(token.token);
    note(
      `API token "${token.name}" for ${email} (prefix ${token.prefix}). It is shown only this once: store it now.`,
    );
    note(`Use it as: Authorization: Bearer ${token.prefix}…`);
  });
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  say(line(header));
  for (const r of rows) say(line(r));
}

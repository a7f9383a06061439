// Approvals (issue 14, item 2): a person's manager (users.manager_id), a request type's approval plan, and the
// approvals themselves — one per subject (a ticket, a change request), its steps in sequence or in parallel,
// and each step's approvers with their decisions. Frozen in time: Kysely<any>.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  const ms = 'bigint';

  // Who approves for a person when a request type asks for "the requester's manager".
  await db.schema
    .alterTable('users')
    .addColumn('manager_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .execute();
  // JSON {order, steps: [{approvers: {kind, userIds?, groupId?}, rule}]}; null: no approval needed.
  await db.schema.alterTable('request_types').addColumn('approval_plan', 'text').execute();

  await db.schema
    .createTable('approvals')
    .addColumn('id', pg ? 'serial' : 'integer', id)
    // 'ticket' | 'change'
    .addColumn('subject_type', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'integer', (c) => c.notNull())
    .addColumn('requester_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    // 'sequence' | 'parallel'
    .addColumn('step_order', 'text', (c) => c.notNull())
    // 'pending' | 'approved' | 'rejected' | 'cancelled'
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('decided_by', 'integer', (c) => c.references('users.id'))
    .addColumn('decided_at', ms)
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('approvals_subject')
    .on('approvals')
    .columns(['subject_type', 'subject_id', 'id'])
    .execute();
  await db.schema
    .createIndex('approvals_requester')
    .on('approvals')
    .columns(['requester_id', 'id'])
    .execute();
  await db.schema.createIndex('approvals_state').on('approvals').columns(['state', 'id']).execute();

  await db.schema
    .createTable('approval_steps')
    .addColumn('approval_id', 'integer', (c) => c.notNull().references('approvals.id').onDelete('cascade'))
    // 0, 1, …: the step's place in the plan.
    .addColumn('position', 'integer', (c) => c.notNull())
    // 'one' | 'all'
    .addColumn('rule', 'text', (c) => c.notNull())
    // 'manager' | 'users' | 'group': how its approvers were chosen (shown to people reading the approval).
    .addColumn('approver_kind', 'text', (c) => c.notNull())
    .addColumn('group_id', 'integer', (c) => c.references('groups.id').onDelete('set null'))
    // 'waiting' (a later step in sequence) | 'pending' | 'approved' | 'rejected' | 'cancelled'
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('decided_at', ms)
    .addPrimaryKeyConstraint('approval_steps_pk', ['approval_id', 'position'])
    .execute();

  await db.schema
    .createTable('approval_approvers')
    .addColumn('id', pg ? 'serial' : 'integer', id)
    .addColumn('approval_id', 'integer', (c) => c.notNull().references('approvals.id').onDelete('cascade'))
    .addColumn('step', 'integer', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
    // 'waiting' | 'pending' | 'approved' | 'rejected' | 'skipped' (the step was decided without them) | 'cancelled'
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('comment', 'text')
    // 'web' | 'api' | 'link': how the decision was given.
    .addColumn('via', 'text')
    .addColumn('decided_at', ms)
    .addUniqueConstraint('approval_approvers_once', ['approval_id', 'step', 'user_id'])
    .execute();
  // "My pending approvals": by person and state, newest first.
  await db.schema
    .createIndex('approval_approvers_user')
    .on('approval_approvers')
    .columns(['user_id', 'state', 'approval_id'])
    .execute();
}

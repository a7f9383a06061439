// A guard against using the database handle (ctx.db) while the same async flow holds a transaction of that
// handle: on SQLite the group-commit lock is not re-entrant, so such a query waits for the transaction that
// waits for it (every query then hangs); on PostgreSQL it runs on another connection and misses the
// transaction's uncommitted writes. Either way it is a programming error, thrown at once with a clear text.
import { AsyncLocalStorage } from 'node:async_hooks';
import type {
  CompiledQuery,
  DatabaseConnection,
  DatabaseIntrospector,
  Dialect,
  DialectAdapter,
  Driver,
  Kysely,
  QueryCompiler,
  TransactionSettings,
} from 'kysely';

/** A transaction the current async flow holds, and the one it was started inside of (another database's). */
interface HeldTransaction {
  owner: GuardedDriver;
  open: boolean;
  outer: HeldTransaction | undefined;
}

// One store for the process: the flows are the process's; each entry names the driver (database) it is of.
const held = new AsyncLocalStorage<HeldTransaction>();

export class TransactionInFlowError extends Error {
  constructor() {
    super(
      'the database handle (ctx.db) was used while this async flow holds a transaction of the same database: ' +
        'run the query through the transaction (trx) instead — outside it, it would deadlock on SQLite and miss ' +
        "the transaction's own writes on PostgreSQL",
    );
    this.name = 'TransactionInFlowError';
  }
}

/**
 * Run fn as work of its own, not of the transaction the current flow holds: for work a transaction only
 * queues to run later (after its commit), which then rightly uses ctx.db. What fn starts inherits this.
 */
export function detachedFromTransaction<T>(fn: () => T): T {
  return held.exit(fn);
}

/** Wraps a dialect so that its driver refuses a new connection to a flow that holds one of its transactions. */
export class TransactionGuardDialect implements Dialect {
  constructor(private readonly inner: Dialect) {}
  createAdapter(): DialectAdapter {
    return this.inner.createAdapter();
  }
  createDriver(): Driver {
    return new GuardedDriver(this.inner.createDriver());
  }
  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return this.inner.createIntrospector(db);
  }
  createQueryCompiler(): QueryCompiler {
    return this.inner.createQueryCompiler();
  }
}

class GuardedDriver implements Driver {
  // The transaction begun on each connection, to close it when the connection commits or rolls back. Keyed by
  // the connection and held by this driver (one per database handle): not module state, nothing to invalidate.
  private readonly open = new WeakMap<DatabaseConnection, HeldTransaction>();

  constructor(private readonly inner: Driver) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  // Queries of a transaction run on its own connection and never come here: whoever asks for a connection
  // while its flow holds one of this driver's transactions went around the transaction.
  acquireConnection(): Promise<DatabaseConnection> {
    for (let t = held.getStore(); t; t = t.outer) {
      if (t.open && t.owner === this) return Promise.reject(new TransactionInFlowError());
    }
    return this.inner.acquireConnection();
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    // Link only to a transaction still open: the flow's store outlives a commit, and chaining closed ones
    // would keep every transaction the flow (or a flow it spawned) ever held reachable — a leak under load.
    let outer = held.getStore();
    while (outer && !outer.open) outer = outer.outer;
    const t: HeldTransaction = { owner: this, open: true, outer };
    // Kysely calls this from the flow that then runs the transaction's callback: from here on that flow
    // (and whatever it starts) holds the transaction. The caller of transaction().execute() is not in it.
    held.enterWith(t);
    this.open.set(connection, t);
    return this.inner.beginTransaction(connection, settings);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    this.close(connection);
    return this.inner.commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    this.close(connection);
    return this.inner.rollbackTransaction(connection);
  }

  savepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: (node: never, queryId: never) => CompiledQuery,
  ): Promise<void> {
    if (!this.inner.savepoint) throw new Error('this driver has no savepoints');
    return this.inner.savepoint(connection, name, compileQuery as never);
  }

  rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: (node: never, queryId: never) => CompiledQuery,
  ): Promise<void> {
    if (!this.inner.rollbackToSavepoint) throw new Error('this driver has no savepoints');
    return this.inner.rollbackToSavepoint(connection, name, compileQuery as never);
  }

  releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: (node: never, queryId: never) => CompiledQuery,
  ): Promise<void> {
    if (!this.inner.releaseSavepoint) throw new Error('this driver has no savepoints');
    return this.inner.releaseSavepoint(connection, name, compileQuery as never);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(connection);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }

  private close(connection: DatabaseConnection): void {
    const t = this.open.get(connection);
    if (t) t.open = false;
    this.open.delete(connection);
  }
}

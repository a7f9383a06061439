// Group commit for SQLite. The one connection runs one piece of work at a time anyway; what costs is the
// COMMIT, which writes every page the transaction touched to the WAL (a ticket touches ~17: the row, its
// indexes, FTS5, history, outbox). Work that arrives together therefore shares one SQLite transaction: each
// Kysely transaction becomes a savepoint inside the open batch, and the batch commits once the connection
// falls idle (after the event loop's current I/O phase), or at 256 units or 25 ms. Nobody sees the batch
// before it commits: a caller's transaction — and any query that ran while the batch was open — returns
// only after the COMMIT, and fails with it, so a reply never reports work that is not committed.
//
// A unit that fails rolls back to its savepoint and leaves the batch's other units alone. If SQLite itself
// ends the transaction (disk full, I/O error) or the COMMIT fails, every unit of the batch fails: all or
// nothing, as for one transaction. Deferred constraints would fail the whole batch at COMMIT; the schema
// has none.
import type SqliteDatabase from 'better-sqlite3';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  SelectQueryNode,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';

/** What the driver needs of the database: better-sqlite3's, with our statement cache in front of prepare. */
export interface SqliteHandle {
  prepare(text: string): SqliteDatabase.Statement;
  readonly inTransaction: boolean;
  close(): void;
}

/**
 * Work a batch finishes inside its transaction just before COMMIT, once any of its units ran a statement
 * that `pending` recognises: per batch instead of per unit (the search word list is filled this way).
 */
export interface BeforeCommit {
  pending(sqlText: string): boolean;
  run(db: SqliteHandle): void;
}

export interface GroupCommitStats {
  /** Batches committed. */
  commits: number;
  /** Units (transactions and stray writes) that committed in them. */
  units: number;
}

const maxUnits = 256;
const maxAgeMs = 25;
// Captured at load: a test that fakes timers must not stop commits.
const later = globalThis.setImmediate;

interface Batch {
  units: number;
  /** A unit ran a statement that calls for the before-commit work. */
  finish: boolean;
  openedAt: number;
  done: Promise<void>;
  resolve(): void;
  reject(err: unknown): void;
}

export class GroupCommitSqliteDialect implements Dialect {
  /** Counters the driver keeps up to date. */
  readonly stats: GroupCommitStats = { commits: 0, units: 0 };
  constructor(
    private readonly handle: SqliteHandle,
    private readonly beforeCommit: BeforeCommit | null = null,
  ) {}
  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }
  createDriver(): Driver {
    return new GroupCommitDriver(this.handle, this.stats, this.beforeCommit);
  }
  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }
}

function savepointName(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`invalid savepoint name ${name}`);
  return name;
}

/**
 * One holder's use of the connection: the batch its work went into, whether it is inside a transaction, and
 * whether it has handed the connection on already. Leases are pooled: Kysely keeps a set of the connection
 * objects it has seen, so fresh ones per query would grow it without end.
 */
class Lease implements DatabaseConnection {
  joined: Batch | null = null;
  inUnit = false;
  released = false;
  constructor(private readonly driver: GroupCommitDriver) {}
  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return this.driver.run<R>(this, query);
  }
  streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    return this.driver.stream<R>(this, query);
  }
}

class GroupCommitDriver implements Driver {
  private held = false;
  private readonly waiters: Array<() => void> = [];
  private batch: Batch | null = null;
  private flushQueued = false;
  private destroyed = false;
  private readonly spare: Lease[] = [];

  constructor(
    private readonly db: SqliteHandle,
    private readonly stats: GroupCommitStats,
    private readonly beforeCommit: BeforeCommit | null,
  ) {}

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    if (this.destroyed) throw new Error('the database is closed');
    await this.lock();
    const lease = this.spare.pop() ?? new Lease(this);
    lease.joined = null;
    lease.inUnit = false;
    lease.released = false;
    return lease;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    this.join(lease);
    this.exec('savepoint group_commit_unit');
    lease.inUnit = true;
  }

  /**
   * The unit's work stays in the batch; the connection passes on at once, and the caller waits for the
   * batch's COMMIT (so a controlled transaction's commit() also returns with its work committed).
   */
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    this.exec('release savepoint group_commit_unit');
    lease.inUnit = false;
    const batch = lease.joined;
    if (batch) batch.units += 1;
    lease.joined = null;
    lease.released = true;
    this.unlock();
    if (batch) await batch.done;
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    lease.inUnit = false;
    const batch = lease.joined;
    lease.joined = null;
    if (!batch) return;
    if (!this.db.inTransaction) {
      // SQLite rolled back the whole transaction itself: every unit of the batch is gone.
      this.fail(batch, new Error('the database rolled back the transaction (an I/O error or a full disk)'));
      return;
    }
    this.exec('rollback to savepoint group_commit_unit');
    this.exec('release savepoint group_commit_unit');
  }

  // Kysely's own savepoints (trx.savepoint()) nest inside the unit's.
  async savepoint(_connection: DatabaseConnection, name: string): Promise<void> {
    this.exec(`savepoint ${savepointName(name)}`);
  }

  async rollbackToSavepoint(_connection: DatabaseConnection, name: string): Promise<void> {
    this.exec(`rollback to savepoint ${savepointName(name)}`);
  }

  async releaseSavepoint(_connection: DatabaseConnection, name: string): Promise<void> {
    this.exec(`release savepoint ${savepointName(name)}`);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    const wait = lease.joined; // a query outside a transaction that went into the batch
    const handedOn = lease.released;
    lease.joined = null;
    if (this.spare.length < 64) this.spare.push(lease);
    if (handedOn) return;
    this.unlock();
    if (wait) await wait.done;
  }

  async destroy(): Promise<void> {
    await this.lock();
    this.flush();
    this.destroyed = true;
    this.db.close();
  }

  private async lock(): Promise<void> {
    if (this.held) await new Promise<void>((resolve) => this.waiters.push(resolve));
    else this.held = true;
  }

  // ---- the batch --------------------------------------------------------------------------------------

  /** Put the holder's work into the open batch, opening one if none is. */
  private join(lease: Lease): void {
    if (this.batch && !this.db.inTransaction)
      this.fail(
        this.batch,
        new Error('the database rolled back the transaction (an I/O error or a full disk)'),
      );
    if (!this.batch) {
      this.exec('begin immediate');
      let resolve!: () => void;
      let reject!: (err: unknown) => void;
      const done = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      // A batch nobody waits on (all its units failed) must not be an unhandled rejection.
      done.catch(() => {});
      this.batch = { units: 0, finish: false, openedAt: Date.now(), done, resolve, reject };
    }
    lease.joined = this.batch;
  }

  private unlock(): void {
    const batch = this.batch;
    if (batch && (batch.units >= maxUnits || Date.now() - batch.openedAt >= maxAgeMs)) this.flush();
    const next = this.waiters.shift();
    if (next) {
      next(); // the connection passes straight to the next holder
      return;
    }
    this.held = false;
    if (this.batch && !this.flushQueued) {
      this.flushQueued = true;
      later(() => {
        this.flushQueued = false;
        if (!this.held) this.flush();
      });
    }
  }

  /** Commit the open batch (the caller holds the connection or nobody does). */
  private flush(): void {
    const batch = this.batch;
    if (!batch) return;
    this.batch = null;
    if (!this.db.inTransaction) {
      this.fail(batch, new Error('the database rolled back the transaction (an I/O error or a full disk)'));
      return;
    }
    try {
      if (batch.finish) this.beforeCommit?.run(this.db);
      this.exec('commit');
    } catch (err) {
      this.rollbackQuietly();
      batch.reject(err);
      return;
    }
    this.stats.commits += 1;
    this.stats.units += batch.units;
    batch.resolve();
  }

  private fail(batch: Batch, err: Error): void {
    if (this.batch === batch) this.batch = null;
    this.rollbackQuietly();
    batch.reject(err);
  }

  /** Undo whatever is open; a ROLLBACK that fails too (the disk is gone) must not throw at an idle moment. */
  private rollbackQuietly(): void {
    try {
      if (this.db.inTransaction) this.exec('rollback');
    } catch {
      // SQLite ends the transaction itself when its rollback fails; the batch's callers have their error.
    }
  }

  // ---- statements -------------------------------------------------------------------------------------

  private exec(text: string): void {
    this.db.prepare(text).run();
  }

  run<R>(lease: Lease, query: CompiledQuery): QueryResult<R> {
    // The batch this holder works in is gone (SQLite rolled it back): nothing more may run as if in it, or
    // it would commit on its own.
    if (lease.joined && !this.db.inTransaction)
      throw new Error('the database rolled back the transaction (an I/O error or a full disk)');
    const stmt = this.db.prepare(query.sql);
    // A write outside a transaction goes into the batch too; a read joins one that is open, so that it
    // returns only once what it saw has committed.
    if (!lease.joined && (this.batch || !stmt.readonly)) {
      this.join(lease);
      if (!lease.inUnit && !stmt.readonly && this.batch) this.batch.units += 1;
    }
    if (this.beforeCommit && this.batch && !this.batch.finish && this.beforeCommit.pending(query.sql))
      this.batch.finish = true;
    const parameters = query.parameters as unknown[];
    if (stmt.reader) return { rows: stmt.all(parameters) as R[] };
    const { changes, lastInsertRowid } = stmt.run(parameters);
    return {
      numAffectedRows: BigInt(changes),
      insertId: BigInt(lastInsertRowid),
      rows: [],
    };
  }

  async *stream<R>(lease: Lease, query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    if (!SelectQueryNode.is(query.query)) throw new Error('SQLite streams only select queries');
    if (this.batch && !lease.joined) this.join(lease);
    const stmt = this.db.prepare(query.sql);
    for (const row of stmt.iterate(query.parameters as unknown[])) yield { rows: [row as R] };
  }
}

// Caches that every instance on one database keeps in step. Each shared cache has a row in cache_versions
// (name → version), bumped in the transaction that changes what the cache holds; an instance reads the
// versions at most once per second (one small query) and reloads a cache whose version moved. Built once at
// start and carried in the context, so every cache reuses it (never a module-level map).
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Clock } from './clock.js';
import type { Database } from './db/index.js';

/** How stale another instance's change may be seen: the versions are read at most this often. */
export const cacheCheckEveryMs = 1000;

export class SharedCache<T> {
  private value: { version: number; data: T } | null = null;
  constructor(
    private readonly caches: SharedCaches,
    readonly name: string,
    private readonly load: (db: Kysely<Database>) => Promise<T>,
  ) {}

  /** The cached value, reloaded when any instance changed it (seen within a second). Not inside a transaction. */
  async get(db: Kysely<Database>): Promise<T> {
    const version = await this.caches.version(this.name);
    if (this.value && this.value.version === version) return this.value.data;
    // The version is read before the value: a change in between is loaded now and loaded again next time.
    const data = await this.load(db);
    this.value = { version, data };
    return data;
  }

  /**
   * In the writer's transaction: the value changes. Returns what to call once the transaction committed, so
   * this instance holds the new value at once (others see the new version within a second).
   */
  async changing(trx: Transaction<Database>): Promise<(data: T) => void> {
    const version = await this.caches.bump(trx, this.name);
    return (data) => {
      this.caches.saw(this.name, version);
      this.value = { version, data };
    };
  }
}

export class SharedCaches {
  private readonly caches = new Map<string, SharedCache<unknown>>();
  private known = new Map<string, number>();
  private checkedAt = Number.NEGATIVE_INFINITY;
  private checking: Promise<void> | null = null;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  /** The shared cache of this name, made on first use with its loader. */
  cache<T>(name: string, load: (db: Kysely<Database>) => Promise<T>): SharedCache<T> {
    let c = this.caches.get(name);
    if (!c) {
      c = new SharedCache<T>(this, name, load) as SharedCache<unknown>;
      this.caches.set(name, c);
    }
    return c as SharedCache<T>;
  }

  async version(name: string): Promise<number> {
    if (this.clock.now() - this.checkedAt >= cacheCheckEveryMs) await this.refresh();
    return this.known.get(name) ?? 0;
  }

  async bump(trx: Transaction<Database>, name: string): Promise<number> {
    const row = await trx
      .insertInto('cache_versions')
      .values({ name, version: 1 })
      .onConflict((oc) => oc.column('name').doUpdateSet({ version: sql<number>`cache_versions.version + 1` }))
      .returning('version')
      .executeTakeFirstOrThrow();
    return Number(row.version);
  }

  saw(name: string, version: number): void {
    if ((this.known.get(name) ?? 0) < version) this.known.set(name, version);
  }

  private refresh(): Promise<void> {
    // Concurrent callers share one read.
    this.checking ??= (async () => {
      try {
        const at = this.clock.now();
        const rows = await this.db.selectFrom('cache_versions').select(['name', 'version']).execute();
        const known = new Map(rows.map((r) => [r.name, Number(r.version)]));
        // A bump this instance made and saw may be newer than what the read returned: keep the higher.
        for (const [name, v] of this.known) if ((known.get(name) ?? 0) < v) known.set(name, v);
        this.known = known;
        this.checkedAt = at;
      } finally {
        this.checking = null;
      }
    })();
    return this.checking;
  }
}

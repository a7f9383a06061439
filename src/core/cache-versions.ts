// Caches that every instance on one database keeps in step. A domain declares each cache as a stateless
// module constant (defineCache: its name and loader, its invalidation rule in its comment); the state is held
// per context, in the SharedCaches the entry point builds at start (`ctx.caches.get(definition)`), never in a
// module-level map. Each shared cache has a row in cache_versions (name → version), bumped in the transaction
// that changes what the cache holds; an instance reads the versions at most once per second (one small
// query) and reloads a cache whose version moved. State that no other instance can make wrong (a word list
// that only grows, what this process alone writes) is declared with defineLocalCache and held the same way.
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Clock } from './clock.js';
import type { Database } from './db/index.js';

type Db = Kysely<Database> | Transaction<Database>;

/** How stale another instance's change may be seen: the versions are read at most this often. */
export const cacheCheckEveryMs = 1000;

/** A cache kept in step across instances: its row in cache_versions and how to load it. */
export interface CacheDefinition<T> {
  readonly name: string;
  readonly load: (db: Db) => Promise<T>;
}

/**
 * Declare a shared cache (a module constant of its domain). Its one invalidation rule: the transaction that
 * changes what it holds calls `changing` (with the new value) or `invalidate` on it; every instance, this one
 * included, then loads it anew.
 */
export function defineCache<T>(name: string, load: (db: Db) => Promise<T>): CacheDefinition<T> {
  return { name, load };
}

/** State of one context that needs no cross-instance invalidation (say why in its definition's comment). */
export interface LocalCacheDefinition<T> {
  readonly name: string;
  readonly create: () => T;
}

export function defineLocalCache<T>(name: string, create: () => T): LocalCacheDefinition<T> {
  return { name, create };
}

export class SharedCache<T> {
  private value: { version: number; data: T } | null = null;
  constructor(
    private readonly caches: SharedCaches,
    readonly name: string,
    private readonly load: (db: Db) => Promise<T>,
  ) {}

  /**
   * The cached value, reloaded when any instance changed it (seen within a second). `db` reads it (and the
   * versions, when due): the caller's transaction if it is in one.
   */
  async get(db: Db): Promise<T> {
    const version = await this.caches.version(this.name, db);
    if (this.value && this.value.version === version) return this.value.data;
    // The version is read before the value: a change in between is loaded now and loaded again next time.
    const data = await this.load(db);
    this.value = { version, data };
    return data;
  }

  /** In the writer's transaction: what the cache holds changes (see SharedCaches.invalidate). */
  invalidate(trx: Transaction<Database>): Promise<void> {
    return this.caches.invalidate(trx, this.name);
  }

  /** Forget this instance's copy (see SharedCaches.invalidate). */
  drop(): void {
    this.value = null;
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
  private readonly locals = new Map<string, unknown>();
  private known = new Map<string, number>();
  private checkedAt = Number.NEGATIVE_INFINITY;
  private checking: Promise<void> | null = null;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  /** This context's state of a shared cache, made on first use. */
  get<T>(definition: CacheDefinition<T>): SharedCache<T> {
    let c = this.caches.get(definition.name);
    if (!c) {
      c = new SharedCache<T>(this, definition.name, definition.load) as SharedCache<unknown>;
      this.caches.set(definition.name, c);
    }
    return c as SharedCache<T>;
  }

  /** This context's state of a local cache, made on first use. */
  local<T>(definition: LocalCacheDefinition<T>): T {
    if (!this.locals.has(definition.name)) this.locals.set(definition.name, definition.create());
    return this.locals.get(definition.name) as T;
  }

  async version(name: string, db: Db = this.db): Promise<number> {
    if (this.clock.now() - this.checkedAt >= cacheCheckEveryMs) await this.refresh(db);
    return this.known.get(name) ?? 0;
  }

  /**
   * In the writer's transaction: the cache of this name changes (by name, for a writer that its definition's
   * loader imports). Other instances load it anew once they see the new version; this one drops its copy at
   * once. (A read racing the transaction may keep the old value until the versions are next read, within a
   * second, as another instance would.)
   */
  async invalidate(trx: Transaction<Database>, name: string): Promise<void> {
    await this.bump(trx, name);
    this.caches.get(name)?.drop();
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

  private refresh(db: Db): Promise<void> {
    // Concurrent callers share one read.
    this.checking ??= (async () => {
      try {
        const at = this.clock.now();
        const rows = await db.selectFrom('cache_versions').select(['name', 'version']).execute();
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

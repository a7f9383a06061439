// Sign-in rate limiting per client address: a sliding one-minute window in memory. Account lockout after
// repeated failures is separate and lives in the database (users.failed_logins, users.locked_until).
export class LoginThrottle {
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly perMinute: number) {}

  /** Record an attempt; returns the seconds to wait when over the limit, else 0. */
  attempt(key: string, now: number): number {
    const windowStart = now - 60_000;
    const list = (this.hits.get(key) ?? []).filter((t) => t > windowStart);
    if (list.length >= this.perMinute) {
      this.hits.set(key, list);
      return Math.max(1, Math.ceil((list[0] + 60_000 - now) / 1000));
    }
    list.push(now);
    this.hits.set(key, list);
    if (this.hits.size > 100_000) this.prune(windowStart);
    return 0;
  }

  private prune(windowStart: number): void {
    for (const [k, list] of this.hits) if (list.every((t) => t <= windowStart)) this.hits.delete(k);
  }
}

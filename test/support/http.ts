// HTTP helpers for integration tests: sign in through the real login route and call with a bearer token.
import type { FastifyInstance, InjectOptions } from 'fastify';
import { createUser } from '../../src/core/auth/index.js';
import type { ServiceContext } from '../../src/core/context.js';
import type { Role } from '../../src/core/db/index.js';

export interface Session {
  token: string;
  userId: number;
  call(
    method: InjectOptions['method'],
    url: string,
    payload?: unknown,
  ): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
}

export async function signIn(app: FastifyInstance, email: string, password: string): Promise<Session> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
  if (res.statusCode !== 200) throw new Error(`login ${email} failed: ${res.statusCode} ${res.body}`);
  const { token, user } = res.json();
  return session(app, token, user.id);
}

export function session(app: FastifyInstance, token: string, userId: number): Session {
  return {
    token,
    userId,
    async call(method, url, payload) {
      const res = await app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${token}` },
        ...(payload !== undefined ? { payload: payload as InjectOptions['payload'] } : {}),
      });
      const type = String(res.headers['content-type'] ?? '');
      return {
        status: res.statusCode,
        body: type.includes('json') ? res.json() : res.body,
        headers: res.headers,
      };
    },
  };
}

let counter = 0;

/** Create a user directly through the domain (as the CLI does) and sign them in over HTTP. */
export async function userSession(
  app: FastifyInstance,
  ctx: ServiceContext,
  role: Role,
  groupIds: number[] = [],
): Promise<Session> {
  counter += 1;
  const email = `${role}${counter}-${Date.now()}@example.test`;
  const password = 'correct horse battery';
  await createUser(ctx, null, { email, name: `${role} ${counter}`, role, password, groupIds });
  return signIn(app, email, password);
}

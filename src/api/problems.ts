// The one place that turns errors into RFC 9457 problem+json responses: domain errors by kind, Fastify's
// own errors (validation, malformed JSON, body too large, wrong content type) by code, anything else 500.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable, isUniqueViolation } from '../core/db/index.js';
import { DomainError, type ErrorCode, type FieldError, httpStatusOfKind } from '../core/errors.js';

/** How long a client should wait before retrying while the database is unavailable. */
export const databaseRetryAfterSeconds = 10;

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
}

export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: ErrorCode,
  detail: string,
  errors?: FieldError[],
): FastifyReply {
  const body: ProblemBody = {
    type: `https://opsdesk.dev/problems/${code}`,
    title: titles[status] ?? 'Error',
    status,
    detail,
    code,
    instance: request.url.split('?')[0].slice(0, 500),
    requestId: String(request.id),
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
  return reply
    .code(status)
    .type('application/problem+json; charset=utf-8')
    .serializer(JSON.stringify)
    .send(body);
}

function validationFields(err: FastifyError): FieldError[] {
  const context = err.validationContext === 'body' ? '' : `${err.validationContext ?? 'request'}`;
  return (err.validation ?? []).slice(0, 20).map((v) => {
    const missing = (v.params as { missingProperty?: string })?.missingProperty;
    const extra = (v.params as { additionalProperty?: string })?.additionalProperty;
    const pointer = `${v.instancePath}${missing ? `/${missing}` : ''}${extra ? `/${extra}` : ''}`;
    return {
      field: context ? `${context}${pointer || ''}` : pointer || '/',
      message: v.message ?? 'is invalid',
    };
  });
}

export function registerProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | DomainError, request, reply) => {
    if (err instanceof DomainError) {
      if (err.retryAfterSeconds) reply.header('retry-after', String(err.retryAfterSeconds));
      return sendProblem(request, reply, httpStatusOfKind[err.kind], err.code, err.message, err.fields);
    }
    const e = err as FastifyError;
    if (e.validation) {
      const fields = validationFields(e);
      const first = fields[0];
      return sendProblem(
        request,
        reply,
        400,
        'validation_failed',
        first ? `${first.field}: ${first.message}` : e.message,
        fields,
      );
    }
    // secure-json-parse refuses valid JSON that names __proto__ or constructor.prototype (prototype poisoning): say so.
    if (/forbidden prototype property/.test(e.message ?? ''))
      return sendProblem(
        request,
        reply,
        400,
        'malformed_json',
        'The request body names __proto__ or constructor.prototype, which is refused.',
      );
    switch (e.code) {
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return sendProblem(request, reply, 400, 'malformed_json', 'The request body is not valid JSON.');
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
      case 'FST_REQ_FILE_TOO_LARGE':
      case 'FST_FILES_LIMIT':
      case 'FST_PARTS_LIMIT':
      case 'FST_FIELDS_LIMIT':
        return sendProblem(
          request,
          reply,
          413,
          'body_too_large',
          'The request body is larger than this endpoint accepts.',
        );
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
        return sendProblem(
          request,
          reply,
          415,
          'unsupported_media_type',
          'This endpoint does not accept that Content-Type.',
        );
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      case 'FST_ERR_CTP_INVALID_TYPE':
      case 'FST_PROTO_VIOLATION':
      case 'FST_ERR_BAD_URL':
        return sendProblem(request, reply, 400, 'validation_failed', e.message);
    }
    if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
      const code =
        e.statusCode === 413
          ? 'body_too_large'
          : e.statusCode === 415
            ? 'unsupported_media_type'
            : 'validation_failed';
      return sendProblem(request, reply, e.statusCode, code, e.message);
    }
    if (isUniqueViolation(err)) {
      request.log.warn({ err }, 'unique index refused a simultaneous write');
      return sendProblem(
        request,
        reply,
        409,
        'write_conflict',
        'A simultaneous change took the same name or key first; read again and retry.',
      );
    }
    if (isDatabaseUnavailable(err)) {
      request.log.error({ err }, 'database unavailable');
      reply.header('retry-after', String(databaseRetryAfterSeconds));
      return sendProblem(
        request,
        reply,
        503,
        'database_unavailable',
        'The database cannot be reached right now; retry shortly.',
      );
    }
    request.log.error({ err }, 'unhandled error');
    return sendProblem(
      request,
      reply,
      500,
      'internal_error',
      `An unexpected error occurred; it is logged as request ${request.id}.`,
    );
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      request,
      reply,
      404,
      'not_found',
      `No route ${request.method} ${request.url.split('?')[0].slice(0, 200)}.`,
    ),
  );
}

// Fastify's own schema compilers (Ajv for requests, fast-json-stringify for replies), each route's compiled on
// its first request instead of at start. Compiling all ~270 routes' validators and serialisers at start took
// ~45 MB of memory (and a second of CPU) in a service where most instances only ever serve a fraction of them.
// What is validated and sent is the same: the compiled function is Fastify's, only called later. The test suite
// builds its apps with eager compilers (test/support/context.ts), so a schema that does not compile still fails
// there, at build time; test/api/lazy-schemas.test.ts holds this path to the same answers.
import AjvCompiler from '@fastify/ajv-compiler';
import SerializerSelector from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';

type Validator = ((data: unknown, context?: unknown) => unknown) & { errors?: unknown; schemaEnv?: unknown };

/** A validator that compiles on its first call. Fastify reads `errors` after a refusal and `schemaEnv` (an Ajv
 * validator's marker: pass the parent so the root value may be coerced) before each call; both are forwarded. */
function lazyValidator(compile: () => Validator): Validator {
  let compiled: Validator | undefined;
  const get = () => {
    compiled ??= compile();
    return compiled;
  };
  const validate: Validator = (data, context) => get()(data, context);
  Object.defineProperty(validate, 'errors', { get: () => get().errors });
  Object.defineProperty(validate, 'schemaEnv', { get: () => get().schemaEnv });
  return validate;
}

export function lazySchemaCompilers(): NonNullable<FastifyServerOptions['schemaController']> {
  const buildValidator = AjvCompiler();
  const buildSerializer = SerializerSelector();
  const lazyValidators: typeof buildValidator = (externalSchemas, options) => {
    const compile = buildValidator(externalSchemas, options);
    return (route) =>
      lazyValidator(() => compile(route) as unknown as Validator) as unknown as ReturnType<typeof compile>;
  };
  const lazySerializers: typeof buildSerializer = (externalSchemas, options) => {
    const compile = buildSerializer(externalSchemas, options);
    return (route) => {
      let serialize: ((data: unknown) => string) | undefined;
      return (data: unknown) => {
        serialize ??= compile(route);
        return serialize(data);
      };
    };
  };
  return { compilersFactory: { buildValidator: lazyValidators, buildSerializer: lazySerializers } };
}

// The face of accounts and authentication: what other domains and the edges may use.
export * from './actor.js';
export * from './api-tokens.js';
export * from './groups.js';
export * from './login-throttle.js';
export * from './password-resets.js';
export * from './passwords.js';
export * from './policies.js';
export * from './secret-tokens.js';
export * from './sessions.js';
export * from './users.js';

// The help desk's face: tickets, comments, attachments, history, categories, the priority matrix and states.
export * from './attachments.js';
export * from './categories.js';
export * from './comments.js';
export * from './history.js';
export * from './levels.js';
export * from './policies.js';
export * from './priority-matrix.js';
export * from './saved-views.js';
export * from './ticket-states.js';
export * from './tickets.js';

// The face of imports from other help desks (issue 18, item 7): the sources, and the run that writes them.

export { type GlpiOptions, GlpiSource } from './glpi-source.js';
export {
  type ImportedComment,
  type ImportedFile,
  type ImportedGroup,
  type ImportedPerson,
  type ImportedTicket,
  ImportFailed,
  type ImportSource,
  type SourcePage,
} from './import-source.js';
export { type ImportOptions, type ImportProgress, type ImportReport, runImport } from './import-writer.js';
export { type OsTicketOptions, OsTicketSource } from './osticket-source.js';
export { type ZammadOptions, ZammadSource } from './zammad-source.js';

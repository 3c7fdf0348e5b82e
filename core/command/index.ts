export { parseCommand, type ParseOptions } from './parse.js';
export { commandSchema, GRANTABLE_ROLES, type Command, type CommandOf } from './schema.js';
export { CommandError } from './errors.js';
export { USAGE, usageFor, type CommandName, type SlashCommand } from './usage.js';
export { tokenize, type Token } from './tokenize.js';
export { parseConditionText, parseStages, parseVariations, normalizeUser } from './option-values.js';
export { conditionText } from './condition-text.js';
export { configValue } from './config-grammar.js';
export { changeRequestOf, type RequestContext } from './change-request-of.js';

import type { Command } from 'commander';

/** `switchyard schema`: the JSON Schema of flag and config documents. */
export function registerSchemaCommand(program: Command): void {
  program
    .command('schema')
    .description('print the JSON Schema of flag and config documents')
    .action(async () => {
      const { jsonSchemas } = await import('../schema-command.js');
      console.log(JSON.stringify(jsonSchemas(), null, 2));
    });
}

import { describe, expect, it } from 'vitest';
import { activitySettingsSchema } from '../activities/settings.js';
import { slackSettingsSchema } from '../bot/slack/settings.js';
import { temporalSettingsSchema } from '../bot/temporal-connection.js';
import { coreSettingsSchema } from '../core/settings.js';
import { evaluatorSettingsSchema } from '../evaluator/settings.js';
import { storageSettingsSchema } from '../storage/settings.js';
import { webSettingsSchema } from '../web/settings.js';
import { parseSettings, settingsSchema } from './settings.js';

describe('the environment at boot', () => {
  it('takes the defaults of every layer when nothing is set', () => {
    const parsed = parseSettings({});
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.settings.ENVIRONMENTS).toEqual(['dev', 'staging', 'production']);
    expect(parsed.settings.REDIS_PREFIX).toBe('switchyard');
    expect(parsed.settings.TEMPORAL_TASK_QUEUE).toBe('switchyard');
    expect(parsed.settings.BOT_PORT).toBe(3000);
    expect(parsed.settings.EVALUATOR_PORT).toBe(8080);
  });

  it('names every bad variable on a line of its own, with what it was', () => {
    const parsed = parseSettings({
      REDIS_URL: 'not a url',
      EVALUATOR_PORT: '99999',
      SLACK_API_URL: 'nope',
      TEMPORAL_NAMESPACE: '',
    });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const lines = parsed.message.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.map((l) => l.split(' ')[2])).toEqual(
      expect.arrayContaining(['REDIS_URL', 'EVALUATOR_PORT', 'SLACK_API_URL']),
    );
    expect(lines.find((l) => l.includes('EVALUATOR_PORT'))).toContain('(got "99999")');
  });

  it('declares each variable in one layer only', () => {
    const layers = [
      coreSettingsSchema,
      storageSettingsSchema,
      temporalSettingsSchema,
      slackSettingsSchema,
      evaluatorSettingsSchema,
      activitySettingsSchema,
      webSettingsSchema,
    ];
    const declared = layers.flatMap((schema) => Object.keys(schema.shape));
    expect(declared.sort()).toEqual(Object.keys(settingsSchema.shape).sort());
  });
});

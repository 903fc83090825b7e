import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { cardAction, Routes, type CommandRegistration } from '../bot/teams/router.js';
import { buildRoutes } from '../bot/teams/routes.js';

const handle = async () => 'ok';
const command = (name: string, words: string): CommandRegistration => ({ name, words, roles: ['admin'], handle });

describe('Routes from the registered features', () => {
  it('finds the longest command words first, in any case and spacing, and keeps the rest as arguments', () => {
    const routes = new Routes([{ commands: [command('subscribe', 'subscribe digest'), command('subscribeNews', 'subscribe news'), command('plan', 'plan')] }]);
    expect(routes.command('  SUBSCRIBE   news ')).toMatchObject({ command: { name: 'subscribeNews' }, args: '' });
    expect(routes.command('plan 2027  extra')).toMatchObject({ command: { name: 'plan' }, args: '2027 extra' });
    expect(routes.command('planning')).toBeNull();
    expect(routes.command('subscribe')).toBeNull();
  });

  it('refuses at start a command name, command words or card verb registered twice, or two features taking files', () => {
    const action = cardAction('x.open', ['admin'], z.object({}), handle);
    expect(() => new Routes([{ commands: [command('a', 'a')] }, { commands: [command('a', 'b')] }])).toThrow('command "a" is registered twice');
    expect(() => new Routes([{ commands: [command('a', 'same')] }, { commands: [command('b', 'same')] }])).toThrow('command words "same" is registered twice');
    expect(() => new Routes([{ cardActions: [action] }, { cardActions: [action] }])).toThrow('card verb "x.open" is registered twice');
    const files = { roles: ['admin' as const], handle: async () => [] };
    expect(() => new Routes([{ files }, { files }])).toThrow('more than one feature takes files');
  });

  it('gives every role the help command, and each command to at least one role', () => {
    const { commands } = buildRoutes();
    expect(commands.find((c) => c.name === 'help')?.roles).toEqual(['coordinator', 'partner', 'national', 'admin']);
    for (const c of commands) expect(c.roles.length, c.name).toBeGreaterThan(0);
  });
});

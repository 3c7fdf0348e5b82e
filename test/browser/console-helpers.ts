import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import ts from 'typescript';

export const ROOT = join(import.meta.dirname, '..', '..');
const CONSOLE_SOURCES = join(ROOT, 'web', 'console');
export const CONSOLE_BUILD = join(ROOT, 'dist', 'console');
export const VIEWPORT = { width: 1280, height: 800 };

function newestChange(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    newest = Math.max(newest, stat.isDirectory() ? newestChange(path) : stat.mtimeMs);
  }
  return newest;
}

/** The console's own type check (web/console/tsconfig.json): a build of code that does not type-check is refused. */
function typecheckConsole(): void {
  const configPath = join(CONSOLE_SOURCES, 'tsconfig.json');
  const { config } = ts.readConfigFile(configPath, (path) => readFileSync(path, 'utf8'));
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, dirname(configPath), undefined, configPath);
  const diagnostics = ts.getPreEmitDiagnostics(ts.createProgram(parsed.fileNames, parsed.options));
  if (diagnostics.length) {
    const host = { getCanonicalFileName: (f: string) => f, getCurrentDirectory: () => ROOT, getNewLine: () => '\n' };
    throw new Error(`the console does not type-check:\n${ts.formatDiagnostics(diagnostics, host)}`);
  }
}

/**
 * dist/console, built by Vite (as `npm run build` does) when it is missing or older than any file
 * under web/console, so the browser test always drives the console of the sources it sits beside.
 */
export async function ensureConsoleBuilt(): Promise<string> {
  const index = join(CONSOLE_BUILD, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestChange(CONSOLE_SOURCES)) return CONSOLE_BUILD;
  typecheckConsole();
  const { build } = await import('vite');
  await build({ configFile: join(CONSOLE_SOURCES, 'vite.config.ts'), logLevel: 'warn' });
  return CONSOLE_BUILD;
}

/** A loopback port nobody listens on now (the OIDC redirect URI must be known before the app listens). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A browser profile of its own (cookies, storage) that reaches only loopback: the provider's login page asks for web fonts. */
export async function isolatedContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  await context.route(
    (url) => url.hostname !== '127.0.0.1',
    (route) => route.abort(),
  );
  return context;
}

/**
 * Signs `login` in the way a person does: the console's "Sign in" button, the OIDC server's login
 * form, back to the console page it started on (`hash`, e.g. `#/approvals`). Answers the page once
 * it shows who is signed in.
 */
export async function signInThroughOidc(browser: Browser, consoleUrl: string, login: string, hash = ''): Promise<Page> {
  const page = await (await isolatedContext(browser)).newPage();
  await page.goto(`${consoleUrl}/${hash}`);
  await page.getByRole('link', { name: 'Sign in', exact: true }).click();
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password');
  await page.getByRole('button', { name: 'Sign-in', exact: true }).click();
  await page.getByRole('button', { name: 'Sign out', exact: true }).waitFor({ timeout: 15_000 });
  return page;
}

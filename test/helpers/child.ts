import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

/** A child process whose output lines the test waits for; stopped by `stop()` in every case. */
export class ChildProcess {
  readonly lines: string[] = [];
  stderr = '';
  exitCode: number | null | undefined;
  private readonly process: ChildProcessWithoutNullStreams;
  private readonly exited: Promise<number | null>;

  constructor(command: string, args: string[], env: Record<string, string>) {
    this.process = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let partial = '';
    this.process.stdout.on('data', (chunk: Buffer) => {
      const parts = (partial + chunk.toString()).split('\n');
      partial = parts.pop()!;
      this.lines.push(...parts);
    });
    this.process.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => this.process.on('exit', (code) => resolve((this.exitCode = code))));
  }

  send(line: string): void {
    this.process.stdin.write(line + '\n');
  }

  signal(signal: NodeJS.Signals): void {
    this.process.kill(signal);
  }

  /** The first line of standard output or error (where logs go) matching `pattern`, waiting up to `timeoutMs`. */
  async waitForLine(pattern: RegExp, timeoutMs = 15000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = [...this.lines, ...this.stderr.split('\n')].find((line) => pattern.test(line));
      if (found) return found;
      if (this.exitCode !== undefined) throw new Error(`exited (${this.exitCode}) before ${pattern}:\n${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`no line ${pattern} within ${timeoutMs} ms:\n${this.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Resolves with the exit code, or null if it had to be killed after `timeoutMs`. */
  async waitForExit(timeoutMs = 5000): Promise<number | null> {
    const timer = setTimeout(() => this.process.kill('SIGKILL'), timeoutMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  async stop(): Promise<void> {
    if (this.exitCode === undefined) this.process.kill('SIGKILL');
    await this.exited;
  }
}

/**
 * A Node service that embeds the IOC (a test fixture script taking its startIoc options as JSON in
 * argv), once it says `ready <port>`.
 */
export async function startEmbeddingService(
  script: string,
  options: object,
  env: Record<string, string>,
  { nodeArgs = [], readyMs = 15000 }: { nodeArgs?: string[]; readyMs?: number } = {},
): Promise<ChildProcess> {
  const service = new ChildProcess(process.execPath, [...nodeArgs, script, JSON.stringify(options)], env);
  await service.waitForLine(/^ready \d+$/, readyMs);
  return service;
}

/** Asks the service to close its IOC and exit, killing it if it has not within `timeoutMs`. */
export async function stopEmbeddingService(service: ChildProcess, timeoutMs = 5000): Promise<void> {
  service.send('close');
  await service.waitForExit(timeoutMs);
  await service.stop();
}

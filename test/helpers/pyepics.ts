import { spawn } from 'node:child_process';

export const PYTHON = '/usr/bin/python3';

/** A Python helper: waits for a PV to satisfy `predicate`, via its monitors rather than by sleeping. */
export const PY_WAIT_FOR = `
def wait_for(name, predicate, timeout=5):
    done = threading.Event()
    pv = epics.PV(name, form='time', auto_monitor=True)
    pv.add_callback(lambda value=None, **kw: done.set() if predicate(value, kw) else None)
    pv.wait_for_connection(timeout=5)
    if pv.get() is not None and predicate(pv.value, {'severity': pv.severity, 'status': pv.status}):
        done.set()
    done.wait(timeout)
    return {'value': pv.get(use_monitor=False), 'status': pv.status, 'severity': pv.severity}
`;

/**
 * Runs a Python script that uses pyepics (libca, the library `caget` uses) with the given EPICS
 * environment, and returns the JSON it emitted last. Scripts get `emit(obj)` and `say(line)`.
 */
export function runPyepics<T = unknown>(script: string, env: Record<string, string>, timeoutMs = 20000, launcher: readonly string[] = []): Promise<T> {
  return startPyepics<T>(script, env, timeoutMs, launcher).result;
}

export interface PyepicsSession<T> {
  /** Resolves when the script prints `line` (a line of its own). */
  waitForLine(line: string, timeoutMs?: number): Promise<void>;
  /** Sends a line to the script's standard input. */
  send(line: string): void;
  /** What the script emitted last, once it has exited. */
  result: Promise<T>;
  kill(): void;
}

/**
 * A pyepics script that runs beside the test: for monitors, where the test drives changes meanwhile.
 * `launcher` is a command that runs Python for us, e.g. `['runuser', '-u', 'nobody', '--']` to
 * make libca send another user name.
 */
export function startPyepics<T = unknown>(script: string, env: Record<string, string>, timeoutMs = 30000, launcher: readonly string[] = []): PyepicsSession<T> {
  const prelude = [
    'import json, sys, time, threading',
    'import epics',
    'from epics import ca, dbr',
    'def emit(obj):',
    '    sys.stdout.write(json.dumps(obj, default=lambda o: o.tolist() if hasattr(o, "tolist") else str(o)) + "\\n")',
    '    sys.stdout.flush()',
    // pyepics 3.4's PV.get (so caget) asks for the element count of the PV's last monitor update: a
    // CHAR waveform whose text grew since comes back cut to the old length (softIoc does the same).
    // count=0 asks for all the server holds now (CA 4.13 dynamic size).
    'def read_text(name):',
    '    return epics.caget(name, as_string=True, count=0)',
    // Polls a condition with a deadline: waiting on the event itself, where no monitor tells of it.
    'def wait_until(predicate, timeout=10, interval=0.05):',
    '    deadline = time.time() + timeout',
    '    while not predicate() and time.time() < deadline:',
    '        time.sleep(interval)',
    '    return predicate()',
    'def say(line):',
    '    sys.stdout.write(line + "\\n")',
    '    sys.stdout.flush()',
    // pyepics drops the ECA status of a put callback; keep it, so tests see what libca was told.
    '_put_statuses = []',
    'def _on_put(args, **kw):',
    '    _put_statuses.append(args.status)',
    '    if callable(args.usr): args.usr()',
    'ca._CB_PUTWAIT = dbr.make_callback(_on_put, dbr.event_handler_args)',
    'def put_status(pvname, value, timeout=5):',
    '    "The ECA status of a put with callback (1 is ECA_NORMAL), or None if it never completed."',
    '    del _put_statuses[:]',
    '    epics.caput(pvname, value, wait=True, timeout=timeout)',
    '    return _put_statuses[-1] if _put_statuses else None',
    '',
  ].join('\n');
  const [command, ...args] = [...launcher, PYTHON, '-u', '-c', prelude + script];
  const child = spawn(command, args, {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: { line: string; resolve: () => void }[] = [];
  let stderr = '';
  let partial = '';
  child.stdout.on('data', (chunk: Buffer) => {
    partial += chunk.toString();
    const parts = partial.split('\n');
    partial = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      for (const waiter of waiters.filter((w) => w.line === line)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const killTimer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const result = new Promise<T>((resolve, reject) => {
    child.on('close', (code) => {
      clearTimeout(killTimer);
      const last = [...lines].reverse().find((line) => line.startsWith('{') || line.startsWith('['));
      if (last === undefined) reject(new Error(`pyepics script exited ${code} without JSON:\n${lines.join('\n')}\n${stderr}`));
      else resolve(JSON.parse(last) as T);
    });
  });
  result.catch(() => undefined);
  return {
    waitForLine(line, waitMs = 15000) {
      if (lines.includes(line)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "${line}" from pyepics; stderr:\n${stderr}`)), waitMs);
        waiters.push({
          line,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
    send(line) {
      child.stdin.write(line + '\n');
    },
    result,
    kill() {
      child.kill('SIGKILL');
    },
  };
}

import { onSignal, reloadOnHangup } from '../../../src/ioc/signals';
import { capturingLogger } from '../database/helpers';

// Signals are emitted on `process` here rather than sent: the listeners are what is under test.

describe('signal handlers', () => {
  const stops: Array<() => void> = [];
  afterEach(() => stops.splice(0).forEach((stop) => stop()));

  it('log a handler that throws or rejects, and leave the process up', async () => {
    const { logger, lines } = capturingLogger();
    stops.push(
      onSignal('SIGUSR2', logger, () => {
        throw new Error('sync failure');
      }),
    );
    stops.push(onSignal('SIGUSR2', logger, () => Promise.reject(new Error('async failure'))));
    process.emit('SIGUSR2', 'SIGUSR2');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.map((line) => [line.msg, line.signal, (line.err as { message: string }).message])).toEqual([
      ['signal handler failed; the IOC goes on', 'SIGUSR2', 'sync failure'],
      ['signal handler failed; the IOC goes on', 'SIGUSR2', 'async failure'],
    ]);
  });

  it('SIGHUP without an access security file says there is nothing to reload', () => {
    const { logger, lines } = capturingLogger();
    stops.push(reloadOnHangup(logger, undefined));
    process.emit('SIGHUP', 'SIGHUP');
    expect(lines).toEqual([expect.objectContaining({ msg: 'SIGHUP: no access security file; nothing to reload', signal: 'SIGHUP' })]);
  });

  it('SIGHUP with one reloads it each time; a failed reload is left to the reload to report', async () => {
    const { logger, lines } = capturingLogger();
    let reloads = 0;
    stops.push(reloadOnHangup(logger, () => (reloads++, Promise.reject(new Error('bad file')))));
    process.emit('SIGHUP', 'SIGHUP');
    process.emit('SIGHUP', 'SIGHUP');
    await new Promise((resolve) => setImmediate(resolve));
    expect(reloads).toBe(2);
    expect(lines).toEqual([]);
  });
});

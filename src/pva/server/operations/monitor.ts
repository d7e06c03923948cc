// MONITOR: updates of what changed, queued (up to queueSize) while the client cannot take them,
// within the pipeline window the client grants (pvxs's servermon.cpp).
import { EventMask } from '../../../database/pv';
import type { OperationContext } from './context';
import { MonitorQueue } from './monitor-queue';
import type { Monitor, Operation } from './operation';
import { BitSet, MessageType, writeMessage, writeMonitorUpdate, type MonitorRequest } from '../../protocol';

/** A PV change a monitor passes on, as QSRV's monitors subscribe (DBE_VALUE | DBE_ALARM | DBE_PROPERTY). */
const MONITORED_EVENTS = EventMask.VALUE | EventMask.ALARM | EventMask.PROPERTY;

export interface MonitorOptions {
  /** Flow control by acknowledgement (MONITOR subcommand 0x80), and the window granted at INIT. */
  readonly pipeline: boolean;
  readonly window: number;
  readonly queueSize: number;
}

export function createMonitor(context: OperationContext, base: Omit<Operation, 'kind' | 'stop'>, options: MonitorOptions): Monitor {
  const monitor: Monitor = {
    ...base,
    kind: 'monitor',
    changed: BitSet.of(0),
    queue: new MonitorQueue(base.mapping.type, options.queueSize),
    pipeline: options.pipeline,
    window: options.window,
    started: false,
    pending: false,
    dirty: true,
    stop: () => undefined,
  };
  const unsubscribe = base.channel.pv.subscribe((mask) => {
    if ((mask & MONITORED_EVENTS) !== 0) changed(context, monitor);
  });
  monitor.stop = () => {
    unsubscribe();
    // Cleared, a queued entry is skipped.
    monitor.pending = false;
    monitor.queue.clear();
  };
  return monitor;
}

/** MONITOR after INIT: start, stop, acknowledge updates taken, or destroy. */
export function monitor(context: OperationContext, request: MonitorRequest): void {
  const operation = context.operation(request.requestId);
  if (operation?.kind !== 'monitor') return;
  const monitor = operation as Monitor;
  if (request.destroy) return context.remove(monitor);
  if (monitor.pipeline) monitor.window += request.ack;
  if (request.start !== undefined) monitor.started = request.start;
  // What waited for the start or the window goes first, then what changed while stopped.
  if (monitor.queue.size > 0 && maySend(monitor)) context.deliver(monitor);
  if (monitor.dirty) changed(context, monitor);
}

/**
 * The PV changed. A client that keeps up gets it encoded at once (no copy); else it joins the
 * queue. A stopped monitor, or one that cannot read, only notes it: the state of the PV goes out
 * when it may again, as QSRV posts the current value when a monitor starts.
 */
export function changed(context: OperationContext, monitor: Monitor): void {
  monitor.dirty = true;
  if (!monitor.started || !monitor.channel.rights.read) return;
  const open = windowOpen(monitor);
  if (open && monitor.queue.size === 0 && !monitor.pending && context.takesUpdates()) return context.deliver(monitor);
  monitor.dirty = false;
  if (readLatest(context, monitor) && !monitor.changed.isEmpty()) {
    monitor.queue.post(monitor.value, monitor.changed);
    monitor.changed.clearAll();
  }
  if (open) context.deliver(monitor);
}

/** Whether the client's pipeline window (if it asked for one) lets another update go. */
function windowOpen(monitor: Monitor): boolean {
  return !monitor.pipeline || monitor.window > 0;
}

function maySend(monitor: Monitor): boolean {
  return monitor.started && monitor.channel.rights.read && windowOpen(monitor);
}

/** Sends what is queued, as far as the window allows, or else the PV's state now. */
export function writeUpdate(context: OperationContext, monitor: Monitor): void {
  // A monitor that waited in the send queue may since have been stopped or lost read access.
  if (!maySend(monitor)) return;
  if (monitor.queue.size > 0) return writeQueued(context, monitor);
  monitor.dirty = false;
  if (!readLatest(context, monitor) || monitor.changed.isEmpty()) return;
  writeMonitorUpdate(context.writer, monitor.id, monitor.value, monitor.changed, monitor.selected);
  monitor.changed.clearAll();
  if (monitor.pipeline) monitor.window--;
}

function writeQueued(context: OperationContext, monitor: Monitor): void {
  for (let entry = monitor.queue.front(); entry !== undefined && maySend(monitor); entry = monitor.queue.front()) {
    writeMonitorUpdate(context.writer, monitor.id, entry.value, entry.changed, monitor.selected, entry.overrun);
    monitor.queue.shift();
    if (monitor.pipeline) monitor.window--;
  }
}

/** Reads the PV into the monitor's value, marking what is new in `changed`; false when the PV's code threw. */
function readLatest(context: OperationContext, monitor: Monitor): boolean {
  try {
    monitor.mapping.fill(monitor.value, monitor.changed);
    return true;
  } catch (error) {
    // An update has no status: a MESSAGE on the monitor's request id tells the client why this
    // update is missing; the monitor stays, as a CA subscription does after ECA_GETFAIL.
    writeMessage(context.writer, monitor.id, MessageType.ERROR, context.readFailed(monitor.channel.pv, error));
    return false;
  }
}

// MONITOR: updates of what changed, coalesced while the client cannot take them, within the
// pipeline window the client grants (pvxs's servermon.cpp).
import { EventMask } from '../../../database/pv';
import type { OperationContext } from './context';
import type { Monitor, Operation } from './operation';
import { BitSet, MessageType, writeMessage, writeMonitorUpdate, type MonitorRequest } from '../../protocol';

/** A PV change a monitor passes on, as QSRV's monitors subscribe (DBE_VALUE | DBE_ALARM | DBE_PROPERTY). */
const MONITORED_EVENTS = EventMask.VALUE | EventMask.ALARM | EventMask.PROPERTY;

export function createMonitor(context: OperationContext, base: Omit<Operation, 'kind' | 'stop'>, pipeline: boolean, window: number): Monitor {
  const monitor: Monitor = {
    ...base,
    kind: 'monitor',
    changed: BitSet.of(0),
    pipeline,
    window,
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
  if (monitor.started && monitor.dirty) changed(context, monitor);
}

/** A monitor has something new, to go out when the monitor may send. */
export function changed(context: OperationContext, monitor: Monitor): void {
  monitor.dirty = true;
  if (maySend(monitor)) context.deliver(monitor);
}

function maySend(monitor: Monitor): boolean {
  return monitor.started && monitor.channel.rights.read && (!monitor.pipeline || monitor.window > 0);
}

export function writeUpdate(context: OperationContext, monitor: Monitor): void {
  // A monitor that waited in the send queue may since have been stopped or lost read access.
  if (!maySend(monitor)) return;
  monitor.dirty = false;
  try {
    monitor.mapping.fill(monitor.value, monitor.changed);
  } catch (error) {
    // An update has no status: a MESSAGE on the monitor's request id tells the client why this
    // update is missing; the monitor stays, as a CA subscription does after ECA_GETFAIL.
    writeMessage(context.writer, monitor.id, MessageType.ERROR, context.readFailed(monitor.channel.pv, error));
    return;
  }
  if (monitor.changed.isEmpty()) return;
  writeMonitorUpdate(context.writer, monitor.id, monitor.value, monitor.changed, monitor.selected);
  monitor.changed.clearAll();
  if (monitor.pipeline) monitor.window--;
}

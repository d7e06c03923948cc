/**
 * What one server, and one client of it, may make the server hold, for Channel Access and
 * pvAccess alike. The defaults are far above what a normal client reaches (a large control room
 * opens some 10 000 channels per circuit); they exist so that a broken or hostile client gets an
 * error, or is slowed down, instead of exhausting the process.
 */
export interface ServerLimits {
  /** Circuits (connected clients) at once; the next connection is accepted and closed at once. */
  maxCircuits: number;
  /** Channels one circuit may hold; past it CA's CREATE_CHAN fails with ECA_ALLOCMEM, pvAccess's with an error status. */
  maxChannelsPerCircuit: number;
  /** CA subscriptions, or pvAccess operations (get, put, monitor), one circuit may hold; past it the request is refused. */
  maxSubscriptionsPerCircuit: number;
  /** Requests of one circuit whose reply waits on a handler (an asynchronous write); at this many the circuit stops reading. */
  maxRequestsInFlight: number;
  /** Bytes encoded for one circuit before they go to the socket; past it (or when the socket is full) the circuit stops reading and encoding until it drains. */
  maxQueuedBytes: number;
  /** Largest payload one message may carry; a larger one closes the circuit. */
  maxPayloadSize: number;
  /** Seconds a circuit may stay silent before the server probes it with an echo (EPICS_CA_CONN_TMO's, EPICS_PVA_CONN_TMO's role). */
  inactivity: number;
  /** Seconds after that echo within which a circuit must show it is alive, or be closed. */
  echoTimeout: number;
  /** Search reply datagrams one server sends per second over UDP (a CA one answers up to 59 searches); beyond it they are dropped and the client searches again. */
  maxSearchRepliesPerSecond: number;
}

export const DEFAULT_LIMITS: ServerLimits = Object.freeze({
  maxCircuits: 1000,
  maxChannelsPerCircuit: 100_000,
  maxSubscriptionsPerCircuit: 100_000,
  maxRequestsInFlight: 1000,
  maxQueuedBytes: 256 * 1024,
  maxPayloadSize: 64 * 1024 * 1024,
  inactivity: 30,
  // libca's CA_ECHO_TIMEOUT
  echoTimeout: 5,
  maxSearchRepliesPerSecond: 10_000,
});

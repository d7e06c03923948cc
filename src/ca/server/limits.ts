/**
 * What one server, and one client of it, may make the server hold. The defaults are far above
 * what a normal client reaches (a large control room opens some 10 000 channels per circuit);
 * they exist so that a broken or hostile client gets an error instead of exhausting the process.
 */
export interface CaLimits {
  /** Circuits (connected clients) at once; the next connection is accepted and closed at once. */
  maxCircuits: number;
  /** Channels one circuit may hold; past it CREATE_CHAN gets ECA_ALLOCMEM and CREATE_CH_FAIL. */
  maxChannelsPerCircuit: number;
  /** Subscriptions one circuit may hold; past it EVENT_ADD gets ECA_ALLOCMEM. */
  maxSubscriptionsPerCircuit: number;
  /** Largest payload one message may carry; a larger one closes the circuit. */
  maxPayloadSize: number;
  /** Seconds a circuit may stay silent before the server sends it an ECHO (EPICS_CA_CONN_TMO's role). */
  inactivity: number;
  /** Seconds after that ECHO within which a circuit must show it is alive, or be closed. */
  echoTimeout: number;
}

export const DEFAULT_CA_LIMITS: CaLimits = {
  maxCircuits: 1000,
  maxChannelsPerCircuit: 100_000,
  maxSubscriptionsPerCircuit: 100_000,
  maxPayloadSize: 64 * 1024 * 1024,
  inactivity: 30,
  // libca's CA_ECHO_TIMEOUT
  echoTimeout: 5,
};

/** A message that breaks the protocol: the circuit that sent it cannot be trusted further. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

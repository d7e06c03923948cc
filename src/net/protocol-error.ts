/** A message that breaks the protocol (CA's or pvAccess's): the circuit that sent it cannot be trusted further. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

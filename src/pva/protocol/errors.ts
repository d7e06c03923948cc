export { ProtocolError } from '../../net/protocol-error';

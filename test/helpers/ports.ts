import * as dgram from 'node:dgram';
import * as net from 'node:net';

/**
 * A port free for both TCP and UDP on 127.0.0.1, as a CA server needs one number for both.
 * Ports are drawn from the kernel's ephemeral range, so parallel Jest workers do not collide.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const socket = dgram.createSocket('udp4');
      socket.once('error', () => resolve(false));
      socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
  throw new Error('no port free for both TCP and UDP');
}

/** The EPICS environment that keeps a server and its clients on loopback, on the given ports. */
export function loopbackEnv(serverPort: number, beaconPort: number): Record<string, string> {
  return {
    EPICS_CA_SERVER_PORT: String(serverPort),
    EPICS_CAS_SERVER_PORT: String(serverPort),
    EPICS_CA_REPEATER_PORT: String(beaconPort),
    EPICS_CAS_BEACON_PORT: String(beaconPort),
    EPICS_CA_AUTO_ADDR_LIST: 'NO',
    EPICS_CA_ADDR_LIST: `127.0.0.1:${serverPort}`,
    EPICS_CAS_INTF_ADDR_LIST: '127.0.0.1',
    EPICS_CAS_BEACON_ADDR_LIST: '127.0.0.1',
    EPICS_CAS_AUTO_BEACON_ADDR_LIST: 'NO',
  };
}

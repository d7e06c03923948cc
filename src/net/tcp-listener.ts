import * as net from 'node:net';

/**
 * Listens on every interface on one port. The configured port is tried first; when another
 * server holds it, the first interface falls back to an ephemeral port and the others follow,
 * so that search replies can advertise a single port.
 */
export async function listenOnInterfaces(
  interfaces: string[],
  preferredPort: number,
  onConnection: (socket: net.Socket) => void,
): Promise<{ servers: net.Server[]; port: number; fellBack: boolean }> {
  const servers: net.Server[] = [];
  let port = preferredPort;
  let fellBack = false;
  try {
    for (const [index, address] of interfaces.entries()) {
      try {
        servers.push(await listen(address, port, onConnection));
      } catch (error) {
        if (index !== 0 || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
        fellBack = true;
        servers.push(await listen(address, 0, onConnection));
      }
      port = (servers[0]!.address() as net.AddressInfo).port;
    }
  } catch (error) {
    await Promise.all(servers.map(closeServer));
    throw error;
  }
  return { servers, port, fellBack };
}

function listen(address: string, port: number, onConnection: (socket: net.Socket) => void): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer({ noDelay: true }, onConnection);
    server.once('error', reject);
    server.listen({ host: address, port, exclusive: true }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

export function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

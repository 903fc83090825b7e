// A TCP proxy in front of the embedded PostgreSQL, so a test can take the
// database away from a running store (cut: every connection dropped, new ones
// refused) and give it back (resume: on the same port) without restarting it.
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  /** The URL with host and port replaced by the proxy's. */
  url: string;
  cut(): Promise<void>;
  resume(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(targetUrl: string): Promise<TcpProxy> {
  const target = new URL(targetUrl);
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const newServer = () =>
    createServer((client) => {
      const upstream = connect(Number(target.port), target.hostname);
      track(client);
      track(upstream);
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
  const listen = (server: Server, port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
    });
  let server = newServer();
  const port = await listen(server, 0);
  const proxied = new URL(targetUrl);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(port);
  const cut = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  return {
    url: proxied.href,
    cut,
    resume: async () => {
      server = newServer();
      await listen(server, port);
    },
    close: async () => {
      if (server.listening) await cut();
    },
  };
}

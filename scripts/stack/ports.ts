/** Free local ports for throw-away stacks (tests). */
import net from 'node:net';
import type { StackPorts } from './config.ts';

/** Five distinct free ports: every listener stays open until all are picked. */
export async function freePorts(): Promise<StackPorts> {
  const servers = await Promise.all(
    Array.from({ length: 5 }, () => new Promise<net.Server>((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve(server));
    })),
  );
  const [gateway, postgres, h5, postgrest, functions] = servers.map((s) => (s.address() as net.AddressInfo).port) as [number, number, number, number, number];
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return { gateway, postgres, h5, postgrest, functions };
}

import net from 'node:net';

/**
 * A TCP port on 127.0.0.1 that nothing listens on right now: the OS picks it, we close our
 * listener and hand the number on. For servers that must keep their port across a restart
 * (archive-process.ts) or take ports in their config file (orthanc.ts). Another process could
 * take it in between; on a test machine that has not been seen.
 */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('no TCP port given by the OS'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

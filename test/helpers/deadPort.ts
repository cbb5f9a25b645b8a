import net from 'node:net'

/** A loopback port with nothing listening: connecting to it is refused at once. */
export async function deadPort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as net.AddressInfo
  await new Promise((r) => server.close(r))
  return port
}

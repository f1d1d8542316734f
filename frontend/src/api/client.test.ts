/** The client against a real HTTP server on loopback (no mocked transport). */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ApiError, configureClient, createHttp } from './client'

type Handler = (req: IncomingMessage, res: ServerResponse) => void

const routes: Record<string, Handler> = {
  '/api/echo-auth': (req, res) => json(res, 200, { authorization: req.headers.authorization ?? null }),
  '/api/validation': (_req, res) =>
    json(res, 422, { code: 422, message: '参数校验失败 / validation failed', errors: { username: ['Length must be between 3 and 32.'], file: 'bad' } }),
  '/api/login-wrong': (_req, res) => json(res, 401, { code: 401, message: '用户名或密码错误 / wrong username or password' }),
  '/api/plain-500': (_req, res) => {
    res.writeHead(502, 'Bad Gateway', { 'Content-Type': 'text/html' })
    res.end('<html>proxy error</html>')
  },
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' })
  res.end(JSON.stringify(body))
}

let server: Server
let base: string
let token: string | null
let unauthorizedCalls: number

beforeAll(async () => {
  server = createServer((req, res) => (routes[req.url ?? ''] ?? ((_q, r) => json(r, 404, { code: 404, message: 'nf' })))(req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`
})

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

beforeEach(() => {
  token = null
  unauthorizedCalls = 0
  configureClient({ getToken: () => token, onUnauthorized: () => void unauthorizedCalls++ })
})

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(() => null, (caught: unknown) => caught)
  expect(error).toBeInstanceOf(ApiError)
  return error as ApiError
}

describe('api client', () => {
  it('sends the session token as a bearer header, and none when logged out', async () => {
    const http = createHttp(base)
    expect((await http.get('/echo-auth')).data.authorization).toBeNull()
    token = 'abc.def'
    expect((await http.get('/echo-auth')).data.authorization).toBe('Bearer abc.def')
  })

  it('normalises the server error body, including field errors', async () => {
    const error = await failure(createHttp(base).post('/validation', {}))
    expect(error.code).toBe(422)
    expect(error.message).toBe('参数校验失败 / validation failed')
    expect(error.fieldError('username')).toBe('Length must be between 3 and 32.')
    expect(error.errors.file).toEqual(['bad'])
  })

  it('treats a 401 without a token as a failed login, not an expired session', async () => {
    const error = await failure(createHttp(base).post('/login-wrong', {}))
    expect(error.code).toBe(401)
    expect(unauthorizedCalls).toBe(0)
  })

  it('ends the session when a request with a token is answered 401', async () => {
    token = 'revoked'
    await failure(createHttp(base).get('/login-wrong'))
    expect(unauthorizedCalls).toBe(1)
  })

  it('keeps the HTTP status when the body is not the JSON error shape', async () => {
    const error = await failure(createHttp(base).get('/plain-500'))
    expect(error.code).toBe(502)
    expect(error.message).toBe('Bad Gateway')
  })

  it('reports an unreachable server as code 0', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const error = await failure(createHttp(`http://127.0.0.1:${port}/api`).get('/anything'))
    expect(error.code).toBe(0)
  })
})

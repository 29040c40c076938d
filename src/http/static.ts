import { existsSync, readdirSync } from 'node:fs'
import { join, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

/** Where `vite build` puts the web app (see web/vite.config.ts). */
export const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url))

// Vite names built assets by content hash, so they never change: browsers keep them a year.
// index.html names the current hashes, so it is revalidated on every load.
const IMMUTABLE = 'public, max-age=31536000, immutable'
const REVALIDATE = 'no-cache'

const NOT_BUILT_HTML = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tend</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;line-height:1.5">
<h1>The Tend web app is not built</h1>
<p>The API is running (<a href="/api/docs">API docs</a>), but <code>web/dist</code> is missing.
Run <code>npm install</code> (it builds the web app) or <code>npm run build:web</code>, then restart the server.</p></body></html>`

function wantsHtml(req: FastifyRequest): boolean {
  return (req.headers.accept ?? '').includes('text/html')
}

/**
 * Serve the single-page app from web/dist: hashed assets with long cache headers, and index.html
 * for every other GET outside /api that a browser navigates to (client-side routes such as
 * /accounts/123). Anything else falls through to the API's problem+json 404.
 */
export async function registerWebApp(app: FastifyInstance, { root = WEB_DIST, quiet = false }: { root?: string; quiet?: boolean } = {}) {
  const isBuilt = existsSync(`${root}/index.html`)
  if (!isBuilt && !quiet) {
    console.warn(`\nWarning: the web app is not built (${root}index.html is missing): the server answers the API only.\nRun \`npm run build:web\` to build it.\n`)
  }

  // Top-level files of web/dist (favicon.svg and the like), listed once: they change only with a release.
  const publicFiles = isBuilt ? new Set(readdirSync(root, { withFileTypes: true }).filter((f) => f.isFile() && !f.name.startsWith('.') && f.name !== 'index.html').map((f) => f.name)) : new Set<string>()
  if (isBuilt) {
    // A wildcard route, so assets of a rebuild made while the server runs are served too.
    await app.register(fastifyStatic, {
      root: join(root, 'assets'),
      prefix: '/assets/',
      cacheControl: false,
      setHeaders: (reply, filePath) => reply.header('cache-control', filePath.includes(`${sep}assets${sep}`) ? IMMUTABLE : REVALIDATE),
    })
  }

  const sendIndex = (reply: FastifyReply) => {
    if (!isBuilt) return reply.code(503).type('text/html; charset=utf-8').header('cache-control', REVALIDATE).send(NOT_BUILT_HTML)
    return reply.sendFile('index.html', root)
  }

  app.get('/', { schema: { hide: true } }, async (_req, reply) => sendIndex(reply))
  app.get('/*', { schema: { hide: true } }, async (req, reply) => {
    const path = req.url.split('?')[0] ?? ''
    if (publicFiles.has(path.slice(1))) return reply.sendFile(path.slice(1), root)
    if (path.startsWith('/api/') || !wantsHtml(req)) return reply.callNotFound()
    return sendIndex(reply)
  })
}

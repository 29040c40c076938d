import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// The SPA is built into web/dist and served by the Fastify server (src/http/static.ts).
// `npm run dev:web` proxies /api to a server started with `npm start` on port 3000.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    manifest: true,
    sourcemap: false,
    target: 'es2022',
  },
  server: { proxy: { '/api': `http://localhost:${process.env.TEND_API_PORT ?? '3000'}` } },
})

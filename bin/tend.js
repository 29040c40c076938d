#!/usr/bin/env node
// Entry point of the `tend` command. The server and CLI are TypeScript run through tsx,
// so there is no build step between `npm install` and `npm start`.
import { register } from 'tsx/esm/api'
register()
await import('../src/cli/main.ts')

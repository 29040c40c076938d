#!/usr/bin/env -S node --max-semi-space-size=64
// Entry point of the `tend` command. The server and CLI are TypeScript run through tsx,
// so there is no build step between `npm install` and `npm start`. V8's young generation is
// four times its default: with the embedded database in this process, its minor collections
// otherwise stalled one write in seventy by 4-8 ms (docs/decisions/0016-v8-young-generation.md);
// `npm start` passes the same flag.
import { register } from 'tsx/esm/api'
register()
await import('../src/cli/main.ts')

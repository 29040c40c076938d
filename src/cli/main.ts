import { Command } from 'commander'
import { ConfigError } from '../config.ts'
import { DataDirLockedError } from '../db/connect.ts'
import { registerDataCommands } from './data.ts'
import { registerImport } from './import.ts'
import { registerServe } from './serve.ts'
import { registerTrustCommands } from './trust.ts'
import { registerWhoKnows } from './who-knows.ts'
import { registerKpiCommands } from './kpis.ts'

const program = new Command()
  .name('tend')
  .description('Tend: relationship management built on trust. Configuration comes from the environment (see README.md).')
  .showHelpAfterError()

registerServe(program)
registerDataCommands(program)
registerTrustCommands(program)
registerImport(program)
registerWhoKnows(program)
registerKpiCommands(program)

try {
  await program.parseAsync(process.argv)
} catch (err) {
  if (err instanceof ConfigError || err instanceof DataDirLockedError) {
    console.error(`tend: ${err.message}`)
    process.exit(2)
  }
  throw err
}


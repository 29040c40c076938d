import { PostgresQueryCompiler, type KyselyPlugin } from 'kysely'

/**
 * A Kysely plugin that, while recording, keeps the SQL text of every query passing through
 * (query builders and raw `sql` alike). The benchmark uses it to prove that the bare routes
 * send the same statements as Tend's services, and to notice when a service's SQL changes
 * and bench/bare.ts no longer mirrors it. Outside a recording it costs one branch per query.
 */
export function createSqlRecorder() {
  const compiler = new PostgresQueryCompiler()
  let recorded: string[] | undefined
  const plugin: KyselyPlugin = {
    transformQuery(args) {
      if (recorded) recorded.push(compiler.compileQuery(args.node, args.queryId).sql)
      return args.node
    },
    transformResult: async (args) => args.result,
  }
  return {
    plugin,
    start: () => {
      recorded = []
    },
    stop: (): string[] => {
      const statements = recorded ?? []
      recorded = undefined
      return statements
    },
  }
}

/** SQL text with case, identifier quotes and layout taken out, for comparing hand-written and built statements. */
export function normaliseSql(text: string): string {
  return text.toLowerCase().replace(/"/g, '').replace(/\s+/g, ' ').replace(/\( /g, '(').replace(/ \)/g, ')').trim()
}

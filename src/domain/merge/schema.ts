import { Type, type Static } from 'typebox'
import { Uuid } from '../../lib/schema.ts'

export const MergeBodySchema = Type.Object(
  { mergeId: Type.String({ format: 'uuid', description: 'The duplicate to fold into the record of the path; it is archived afterwards' }) },
  { additionalProperties: false },
)
export type MergeBody = Static<typeof MergeBodySchema>

const Ref = Type.Object({ id: Uuid, name: Type.String() })
const Pair = Type.Object({ keep: Ref, merge: Ref, reason: Type.String() })

export const MergeSuggestionsSchema = Type.Object({
  stakeholders: Type.Array(Pair, { description: 'Same e-mail address (plus-addressing folded), or the same name at the same account; the older record is the one to keep' }),
  accounts: Type.Array(Pair, { description: 'Same name, or a shared domain' }),
})
export type MergeSuggestions = Static<typeof MergeSuggestionsSchema>

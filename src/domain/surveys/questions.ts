import { Type, type Static } from 'typebox'
import { Nullable, StringEnum } from '../../lib/schema.ts'
import { QUESTION_TYPES, type Question } from './schema.ts'

// Summaries of the custom questions of a survey (pure): scale questions get n and mean, choice
// questions counts per option, text questions only how many answered (the texts are in the answers list).

export const QuestionSummarySchema = Type.Object({
  id: Type.String(),
  label: Type.String(),
  type: StringEnum(QUESTION_TYPES),
  n: Type.Integer(),
  mean: Nullable(Type.Number()),
  counts: Nullable(Type.Record(Type.String(), Type.Integer())),
})
export type QuestionSummary = Static<typeof QuestionSummarySchema>

export function summariseQuestions(questions: Question[], answers: Record<string, unknown>[]): QuestionSummary[] {
  return questions.map((question) => {
    const values = answers.map((a) => a[question.id]).filter((v) => v !== undefined && v !== null && v !== '')
    const numbers = values.filter((v): v is number => typeof v === 'number')
    let counts: Record<string, number> | null = null
    if (question.type === 'choice') {
      counts = Object.fromEntries((question.options ?? []).map((o) => [o, 0]))
      for (const v of values) if (typeof v === 'string' && v in counts) counts[v]! += 1
    }
    return {
      id: question.id,
      label: question.label,
      type: question.type,
      n: values.length,
      mean: question.type === 'scale' && numbers.length ? numbers.reduce((a, b) => a + b, 0) / numbers.length : null,
      counts,
    }
  })
}

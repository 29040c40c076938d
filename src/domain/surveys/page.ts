import { escapeHtml as h } from '../../lib/mail.ts'
import type { FieldError } from '../../lib/errors.ts'
import { MAX_ANSWER_LENGTH, type PublicSurvey, type Question } from './schema.ts'

// The public answer page: server-rendered HTML with a little inline CSS and no script at all, so it
// loads at once on a phone and works without JavaScript. Every value from the database or the
// respondent is escaped (h); the Content-Security-Policy forbids scripts as a second line of defence.

export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-robots-tag': 'noindex',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
} as const

/** Black or white text, whichever reads better on the brand colour (WCAG relative luminance). */
function textOn(hex: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  })
  const luminance = 0.2126 * r! + 0.7152 * g! + 0.0722 * b!
  return luminance > 0.179 ? '#111' : '#fff'
}

function layout(title: string, colour: string, orgName: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${h(title)}</title>
<style>
:root{--brand:${colour};--on-brand:${textOn(colour)}}
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#f6f7f8}
header{background:var(--brand);color:var(--on-brand);padding:.9rem 1rem;font-weight:600}
main{max-width:36rem;margin:0 auto;padding:1rem}
h1{font-size:1.3rem;line-height:1.3;margin:.5rem 0 1rem}
fieldset{border:0;margin:0 0 1.25rem;padding:0}legend{font-weight:600;margin-bottom:.5rem;padding:0}
.scale{display:flex;flex-wrap:wrap;gap:.35rem}
.scale label{position:relative;flex:1 0 2.6rem}
.scale input{position:absolute;opacity:0;inset:0;width:100%;height:100%;margin:0;cursor:pointer}
.scale span{display:block;text-align:center;padding:.6rem 0;border:2px solid #767676;border-radius:.5rem;background:#fff;font-weight:600}
.scale input:checked+span{background:var(--brand);color:var(--on-brand);border-color:var(--brand)}
.scale input:focus-visible+span{outline:3px solid #1a4fd6;outline-offset:2px}
.ends{display:flex;justify-content:space-between;font-size:.85rem;color:#555;margin-top:.3rem}
.options label{display:block;padding:.35rem 0}
label.text{display:block;font-weight:600;margin-bottom:.4rem}
textarea{width:100%;min-height:6rem;font:inherit;padding:.6rem;border:2px solid #767676;border-radius:.5rem}
textarea:focus-visible{outline:3px solid #1a4fd6;outline-offset:2px}
button{font:inherit;font-weight:600;border:0;border-radius:.5rem;padding:.8rem 1.4rem;background:var(--brand);color:var(--on-brand);width:100%;cursor:pointer}
button:focus-visible{outline:3px solid #1a4fd6;outline-offset:2px}
.errors{border:2px solid #b3261e;background:#fdecea;border-radius:.5rem;padding:.75rem 1rem;margin-bottom:1rem}
.error{color:#b3261e;font-weight:600;margin:.25rem 0}
.hint{color:#555;font-size:.9rem}
</style></head>
<body><header>${h(orgName)}</header><main>${body}</main></body></html>`
}

function scaleGroup(name: string, legend: string, min: number, max: number, value: unknown, error: string | undefined, ends?: [string, string]) {
  const errorId = `${name}-error`
  const items = Array.from({ length: max - min + 1 }, (_, i) => min + i)
    .map((n) => `<label><input type="radio" name="${h(name)}" value="${n}"${String(value) === String(n) ? ' checked' : ''}><span>${n}</span></label>`)
    .join('')
  return `<fieldset${error ? ` aria-describedby="${h(errorId)}"` : ''}><legend>${h(legend)}</legend>
${error ? `<p class="error" id="${h(errorId)}">${h(error)}</p>` : ''}<div class="scale">${items}</div>
${ends ? `<div class="ends" aria-hidden="true"><span>${h(ends[0])}</span><span>${h(ends[1])}</span></div><p class="hint">${min} = ${h(ends[0].toLowerCase())}, ${max} = ${h(ends[1].toLowerCase())}</p>` : ''}</fieldset>`
}

function textArea(name: string, label: string, value: unknown, error: string | undefined) {
  const errorId = `${name}-error`
  return `<p><label class="text" for="${h(name)}">${h(label)}</label>${error ? `<span class="error" id="${h(errorId)}">${h(error)}</span>` : ''}
<textarea id="${h(name)}" name="${h(name)}" maxlength="${MAX_ANSWER_LENGTH}"${error ? ` aria-describedby="${h(errorId)}" aria-invalid="true"` : ''}>${h(typeof value === 'string' ? value : '')}</textarea></p>`
}

function questionField(question: Question, value: unknown, error: string | undefined) {
  const name = `q_${question.id}`
  const label = question.required ? question.label : `${question.label} (optional)`
  if (question.type === 'scale') return scaleGroup(name, label, question.min ?? 1, question.max ?? 5, value, error)
  if (question.type === 'text') return textArea(name, label, value, error)
  const options = (question.options ?? []).map((o) => `<label><input type="radio" name="${h(name)}" value="${h(o)}"${value === o ? ' checked' : ''}> ${h(o)}</label>`).join('')
  return `<fieldset class="options"><legend>${h(label)}</legend>${error ? `<p class="error">${h(error)}</p>` : ''}${options}</fieldset>`
}

const ENDS: Record<string, [string, string]> = { nps: ['Not at all likely', 'Extremely likely'], csat: ['Very dissatisfied', 'Very satisfied'], esat: ['Very dissatisfied', 'Very satisfied'] }
const COMMENT_LABEL: Record<string, string> = { nps: 'What is the main reason for your score? (optional)', csat: 'Anything we could do better? (optional)', esat: 'What would make work better? (optional, anonymous)' }

/** The answer form; `values` and `errors` re-fill it after a refused submission. */
export function renderSurveyForm(survey: PublicSurvey, values: Record<string, unknown> = {}, errors: FieldError[] = []): string {
  const errorOf = (pointer: string) => errors.find((e) => e.pointer === pointer)?.detail
  const summary = errors.length
    ? `<div class="errors" role="alert"><p><strong>Please check your answer:</strong></p><ul>${errors.map((e) => `<li>${h(e.pointer?.replace('#/answers/', '').replace('#/', '') ?? '')}: ${h(e.detail)}</li>`).join('')}</ul></div>`
    : ''
  const main = survey.scale ? scaleGroup('score', survey.question, survey.scale.min, survey.scale.max, values.score, errorOf('#/score'), ENDS[survey.kind]) : ''
  const comment = survey.kind === 'custom' ? '' : textArea('comment', COMMENT_LABEL[survey.kind] ?? 'Comment (optional)', values.comment, errorOf('#/comment'))
  const extra = survey.questions.map((x) => questionField(x, values[`q_${x.id}`], errorOf(`#/answers/${x.id}`))).join('')
  const body = `<h1>${h(survey.kind === 'custom' ? survey.question : survey.name)}</h1>
${survey.intro ? `<p>${h(survey.intro)}</p>` : ''}${summary}
<form method="post" novalidate>${main}${comment}${extra}<button type="submit">Send my answer</button></form>
${survey.kind === 'esat' ? '<p class="hint">Your answer is anonymous: results are only shown for groups of five or more.</p>' : ''}`
  return layout(survey.name, survey.organisation.colour, survey.organisation.name, body)
}

export function renderMessage(title: string, message: string, org?: { name: string; colour: string }): string {
  return layout(title, org?.colour ?? '#444444', org?.name ?? 'Survey', `<h1>${h(title)}</h1><p>${h(message)}</p>`)
}

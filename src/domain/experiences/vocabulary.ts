// The words of an experience, shared by the API schema, the database checks and the trust model.

export const EXPERIENCE_KINDS = [
  'meeting', 'call', 'email', 'message', 'meal', 'visit', 'event', 'introduction', 'insight', 'help', 'gift',
  'invitation', 'personal_moment', 'referral', 'service_failure', 'escalation', 'complaint', 'survey_answer', 'other',
] as const
export type ExperienceKind = (typeof EXPERIENCE_KINDS)[number]

/** Who gave value to whom. */
export const DIRECTIONS = ['we_gave', 'we_asked', 'mutual', 'they_gave'] as const
export type Direction = (typeof DIRECTIONS)[number]

/** Who reached out first. */
export const INITIATORS = ['us', 'them'] as const
export type Initiator = (typeof INITIATORS)[number]

export const DEPTHS = ['routine', 'meaningful', 'personal'] as const
export type Depth = (typeof DEPTHS)[number]

export const SOURCES = ['manual', 'email', 'calendar', 'import', 'survey'] as const
export type Source = (typeof SOURCES)[number]

/** Valence: -2 clearly negative … +2 clearly positive; null when nobody rated it (captured metadata). */
export const MIN_VALENCE = -2
export const MAX_VALENCE = 2

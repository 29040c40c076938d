// The invented words of the demo organisation: our team, job titles, profiles and what the
// experiences are about. The people and companies themselves come from the sample CSV.

import type { ExperienceKind } from '../experiences/vocabulary.ts'

/** Northwind Advisory's own people: the head of client relationships, three teams and an HR/OD partner. */
export const TEAM = {
  head: 'Helena Marsh',
  analyst: 'Grace Kimura',
  teams: [
    { manager: 'Daniel Okafor', reps: ['Sofia Lindqvist', 'James Whitaker', 'Aisha Bello', 'Lukas Brandt'] },
    { manager: 'Priya Raman', reps: ['Mei Chen', 'Oliver Grant', 'Nadia Haddad'] },
    { manager: 'Tomás Herrera', reps: ['Ravi Menon', 'Chloe Dubois', 'Samuel Osei', 'Elena Petrova'] },
  ],
} as const

export const INDUSTRIES = [
  'Financial services', 'Insurance', 'Manufacturing', 'Healthcare', 'Retail', 'Logistics', 'Energy', 'Telecommunications',
  'Software', 'Public sector', 'Pharmaceuticals', 'Construction', 'Hospitality', 'Media', 'Professional services',
] as const

export const CEO_TITLES = ['Chief Executive Officer', 'Managing Director', 'President & CEO', 'Founder & CEO'] as const

type Department = {
  chief: readonly string[]
  head: readonly string[]
  manager: readonly string[]
  specialist: readonly string[]
  topics: readonly string[]
  goals: readonly string[]
  pains: readonly string[]
}

export const DEPARTMENTS = {
  finance: {
    chief: ['Chief Financial Officer'],
    head: ['Head of Finance', 'Finance Director'],
    manager: ['Financial Controller', 'Head of FP&A', 'Treasury Manager'],
    specialist: ['Senior Financial Analyst', 'Management Accountant'],
    topics: ['the budget cycle', 'cost reduction', 'the year-end audit', 'cash-flow forecasting', 'the finance transformation'],
    goals: ['Cut operating costs by 8% without hurting service levels', 'Close the books in five days instead of nine', 'A forecast the board trusts'],
    pains: ['Board pressure on margins', 'Forecasts that arrive too late to act on', 'Too many manual spreadsheets at month end'],
  },
  operations: {
    chief: ['Chief Operating Officer'],
    head: ['Head of Operations', 'Operations Director'],
    manager: ['Operations Manager', 'Programme Manager', 'Supply Chain Manager'],
    specialist: ['Process Improvement Lead', 'Operations Analyst'],
    topics: ['the process redesign', 'the new distribution centre', 'on-time delivery', 'the lean programme'],
    goals: ['On-time delivery above 97%', 'Open the second distribution centre on schedule', 'Standard processes across all sites'],
    pains: ['Peak-season backlogs', 'Staff turnover on the shop floor', 'Suppliers missing delivery windows'],
  },
  technology: {
    chief: ['Chief Information Officer', 'Chief Technology Officer'],
    head: ['Head of IT', 'IT Director'],
    manager: ['IT Project Manager', 'Head of Infrastructure', 'Data Platform Lead'],
    specialist: ['Enterprise Architect', 'Security Analyst'],
    topics: ['the cloud migration', 'the ERP upgrade', 'cyber security', 'the data platform'],
    goals: ['Retire the legacy ERP by next year', 'Move 70% of workloads to the cloud', 'Pass the ISO 27001 audit'],
    pains: ['A security incident last year still shapes every decision', 'Legacy systems nobody wants to touch', 'Not enough senior engineers'],
  },
  procurement: {
    chief: ['Chief Procurement Officer'],
    head: ['Head of Procurement', 'Procurement Director'],
    manager: ['Procurement Manager', 'Category Manager'],
    specialist: ['Senior Buyer', 'Contracts Analyst'],
    topics: ['the supplier consolidation', 'the tender', 'the contract renewal', 'the framework agreement'],
    goals: ['Halve the number of suppliers', 'Savings of 5% on indirect spend', 'Supplier risk visible in one place'],
    pains: ['Maverick spend outside contracts', 'Tenders that take six months', 'Suppliers who only call at renewal time'],
  },
  people: {
    chief: ['Chief People Officer'],
    head: ['Head of People', 'HR Director'],
    manager: ['HR Business Partner', 'Head of Talent', 'Learning & Development Lead'],
    specialist: ['Talent Acquisition Partner', 'Reward Analyst'],
    topics: ['the leadership programme', 'the engagement survey', 'hybrid working', 'succession planning'],
    goals: ['Engagement score up ten points', 'A bench of successors for every director role', 'Time-to-hire under 40 days'],
    pains: ['Regretted attrition among high performers', 'Managers without time to coach', 'A slow hiring process'],
  },
  legal: {
    chief: ['General Counsel'],
    head: ['Head of Legal', 'Deputy General Counsel'],
    manager: ['Senior Legal Counsel', 'Compliance Manager'],
    specialist: ['Contracts Manager', 'Legal Counsel'],
    topics: ['the contract terms', 'GDPR compliance', 'the regulatory review', 'the data-processing agreement'],
    goals: ['Standard contract terms signed within two weeks', 'No findings in the regulator\'s review'],
    pains: ['Regulation changing faster than policies', 'Contract backlogs that hold up the business'],
  },
  commercial: {
    chief: ['Chief Commercial Officer', 'Chief Marketing Officer'],
    head: ['Head of Sales', 'Sales Director', 'Head of Marketing'],
    manager: ['Key Account Director', 'Marketing Manager', 'Sales Operations Manager'],
    specialist: ['Pricing Analyst', 'Customer Insights Analyst'],
    topics: ['the pricing review', 'market entry in Germany', 'the sales kickoff', 'customer retention'],
    goals: ['Grow recurring revenue by 15%', 'Enter two new markets', 'Cut customer churn by a third'],
    pains: ['Discounting to close deals', 'A pipeline that looks better than it is', 'Competitors undercutting on price'],
  },
  strategy: {
    chief: ['Chief Strategy Officer'],
    head: ['Head of Strategy', 'Director of Corporate Development'],
    manager: ['Strategy Manager', 'Transformation Lead'],
    specialist: ['Business Analyst', 'Strategy Analyst'],
    topics: ['the three-year plan', 'the acquisition', 'the board strategy day', 'the transformation programme'],
    goals: ['A three-year plan the board signs off in one pass', 'Integrate the acquisition within 12 months'],
    pains: ['Initiatives that never finish', 'Too many priorities at once'],
  },
} as const satisfies Record<string, Department>
export type DepartmentName = keyof typeof DEPARTMENTS
export const DEPARTMENT_NAMES = Object.keys(DEPARTMENTS) as DepartmentName[]

export const EXECUTIVE = {
  topics: ['the growth plan', 'the board agenda', 'the new operating model', 'next year\'s priorities'],
  goals: ['Double the business in five years', 'Leave the company stronger than they found it', 'A leadership team that runs without them'],
  pains: ['Investors impatient for growth', 'Too little time for customers', 'A competitor winning their best clients'],
} as const

/** Interests that follow from the sample file's tags. */
export const TAG_INTERESTS: Readonly<Record<string, string>> = {
  'football-fan': 'Football: season-ticket holder, follows the Champions League',
  musician: 'Plays guitar in an amateur band; gigs most months',
  'holiday-card': 'Values a handwritten holiday card more than any gift',
  influencer: 'Speaks at industry conferences; active on LinkedIn',
}

export const INTERESTS = [
  'Sailing', 'Marathon running', 'Cooking; took a course in Italian cuisine', 'Chess', 'Gravel cycling', 'Jazz', 'Modern art',
  'Gardening', 'Rugby', 'Wine from the Loire', 'Landscape photography', 'Hiking in the Alps', 'Mentoring young engineers', 'Golf',
  'Crime novels', 'Volunteers at a food bank', 'Tennis', 'Classic cars',
] as const

export const PERSONAL_NOTES = [
  'Two children; the eldest daughter is getting married in the spring.',
  'Moved to the city last year for this role; family still settling in.',
  'Caring for an elderly parent: prefers calls before 4 pm.',
  'Training for the Berlin marathon this autumn.',
  'Vegetarian: choose restaurants accordingly.',
  'Son just started university (engineering) and they miss him.',
  'Recently back from parental leave.',
  'Birthday in early March; enjoys a good bottle of red.',
  'Recovering from knee surgery: no golf this season.',
  'Coaches their daughter\'s football team on Saturdays.',
] as const

export const RELATIONSHIP_NOTES = [
  'Prefers short agendas sent a day ahead.',
  'Do not bring up the pricing dispute of two years ago.',
  'Best reached on mobile after 5 pm.',
  'Wants data, not slides.',
  'Likes to be asked for advice; give them a stage.',
  'Decides with the CFO: always brief both.',
] as const

/** Titles of experiences by kind; {first}, {company}, {topic}, {other} are filled in. */
export const EXPERIENCE_TITLES: Readonly<Record<ExperienceKind, readonly string[]>> = {
  meeting: ['Working session on {topic}', 'Steering committee', 'Review of {topic} with {first}', 'Planning meeting: {topic}', 'Kick-off: {topic}'],
  call: ['Check-in call with {first}', 'Call about {topic}', 'Catch-up call', 'Follow-up call on {topic}'],
  email: ['Re: {topic}', 'Follow-up: {topic}', 'Agenda for next week', 'Slides from our meeting', 'Re: quick question on {topic}', 'Re: invoice query'],
  message: ['Message: congratulations on the launch', 'Message: running ten minutes late', 'Message: thanks for today'],
  meal: ['Lunch with {first}', 'Breakfast with {first}', 'Dinner with {first} after the steering committee'],
  visit: ['Site visit at {company}', 'Visited {company}\'s new offices'],
  event: ['{first} joined our client roundtable on {topic}', 'Met {first} at the industry conference', '{first} attended our webinar on {topic}'],
  introduction: ['Introduced {first} to a peer at {other}', 'Introduced {first} to our specialist on {topic}'],
  insight: ['Shared our benchmark on {topic}', 'Sent {first} our report on {topic}', 'Briefed {first} on what peers do about {topic}'],
  help: ['Helped {first} prepare the board paper on {topic}', 'Found a candidate for {first}\'s open role', 'Reviewed {first}\'s business case for {topic}'],
  gift: ['Sent {first} a book they mentioned', 'Holiday card and a small gift'],
  invitation: ['Invited {first} to our leadership dinner', 'Invited {first} to speak at our client forum'],
  personal_moment: [
    'Congratulated {first} on their promotion', 'Card for {first}\'s new baby', 'Called {first} after their surgery',
    'Congratulated {first} on finishing the marathon', 'Flowers for {first}\'s family after a bereavement',
  ],
  referral: ['{first} referred us to {other}', '{first} recommended us to a colleague at {other}'],
  service_failure: ['Missed the deadline on the {topic} deliverable', 'Report on {topic} delivered with errors', 'Our team missed the month-end handover'],
  escalation: ['{first} escalated the {topic} delays to our leadership', 'Escalation: {first} unhappy with the {topic} team'],
  complaint: ['Complaint about invoicing errors', 'Complaint: slow responses from our team on {topic}'],
  survey_answer: ['{first} answered our survey'],
  other: ['Note about {topic}'],
}

export const NOTES = {
  positive: [
    'Agreed next steps and owners; they will send the data by Friday.',
    'Very open conversation. They asked for our view before talking to other firms.',
    'Good energy. They want to bring their team to the next session.',
    'They shared the board\'s real priorities, off the record.',
  ],
  neutral: ['Routine update; nothing new.', 'Short meeting; they were distracted by the quarter end.', 'Went through the status; no decisions.'],
  negative: [
    'Tense. They feel we over-promised on timelines.',
    'They questioned our fees openly in front of their team.',
  ],
  incident: [
    'Our mistake: the numbers in section 3 were wrong and went to their board.',
    'We missed the agreed date by two weeks without warning them.',
  ],
  recovery: [
    'Apologised in person, explained the root cause and what we changed. They appreciated the candour.',
    'Delivered the fix early and added a review step; they said it was handled well.',
  ],
  review: [
    'Walked through the root cause and the new checks. They want a quarterly service review from now on.',
    'They said the way we handled it made them trust us more, not less.',
  ],
} as const

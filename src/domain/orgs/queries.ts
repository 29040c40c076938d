import type { Db } from '../../db/connect.ts'

export const ORG_COLUMNS = ['id', 'name', 'slug', 'settings', 'created_at'] as const

export function getOrganisation(db: Db, orgId: string) {
  return db.selectFrom('organisations').select(ORG_COLUMNS).where('id', '=', orgId).executeTakeFirst()
}

export function findOrganisationBySlug(db: Db, slug: string) {
  return db.selectFrom('organisations').select(ORG_COLUMNS).where('slug', '=', slug).executeTakeFirst()
}

export function insertOrganisation(db: Db, values: { name: string; slug: string }) {
  return db.insertInto('organisations').values(values).returning(ORG_COLUMNS).executeTakeFirstOrThrow()
}

export function listOrganisations(db: Db) {
  return db.selectFrom('organisations').select(ORG_COLUMNS).orderBy('created_at').execute()
}

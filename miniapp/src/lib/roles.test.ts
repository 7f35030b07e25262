import type { WhoamiRow } from '../../../shared/schemas.ts'
import { summarizeWhoami, supervisedRegions, supervisorScopes } from './roles.ts'

const who = (role: WhoamiRow['role'], scope: string | null): WhoamiRow => ({
  user_id: '00000000-0000-4000-8000-000000000001',
  masked_name: '张*',
  region_code: null,
  region_name: null,
  role,
  unit_id: null,
  unit_name: null,
  scope_region_code: scope,
  realname_verified: true,
})

describe('supervisedRegions (whoami → the regions a supervisor picks from)', () => {
  test('a city supervisor: the city first, as 临沧市（全市）, then its eight counties', () => {
    const r = supervisedRegions(summarizeWhoami([who('supervisor', '530900')]))
    expect(r.map((x) => x.code)).toEqual(['530900', '530902', '530921', '530922', '530923', '530924', '530925', '530926', '530927'])
    expect(r[0]).toEqual({ code: '530900', name: '临沧市', label: '临沧市（全市）' })
  })
  test('a county and the city in any order, with a staff role: the city first, no region twice', () => {
    const identity = summarizeWhoami([who('supervisor', '530921'), who('staff', null), who('supervisor', '530900')])
    expect(supervisorScopes(identity)).toEqual(['530921', '530900'])
    const r = supervisedRegions(identity)
    expect(r[0]?.code).toBe('530900')
    expect(r).toHaveLength(9)
  })
  test('a county supervisor: the county alone; staff, citizens and nobody: nothing', () => {
    expect(supervisedRegions(summarizeWhoami([who('supervisor', '530921')]))).toEqual([{ code: '530921', name: '凤庆县', label: '凤庆县' }])
    expect(supervisedRegions(summarizeWhoami([who('staff', null), who(null, null)]))).toEqual([])
    expect(supervisedRegions(null)).toEqual([])
  })
})

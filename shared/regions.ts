/** 临沧市 and its counties (SPEC §6, 行政区划代码). supabase/seed.sql seeds the same rows. */
export const CITY_CODE = '530900';

export const REGIONS: ReadonlyArray<{ code: string; name: string; parentCode: string | null }> = [
  { code: '530900', name: '临沧市', parentCode: null },
  { code: '530902', name: '临翔区', parentCode: '530900' },
  { code: '530921', name: '凤庆县', parentCode: '530900' },
  { code: '530922', name: '云县', parentCode: '530900' },
  { code: '530923', name: '永德县', parentCode: '530900' },
  { code: '530924', name: '镇康县', parentCode: '530900' },
  { code: '530925', name: '双江拉祜族佤族布朗族傣族自治县', parentCode: '530900' },
  { code: '530926', name: '耿马傣族佤族自治县', parentCode: '530900' },
  { code: '530927', name: '沧源佤族自治县', parentCode: '530900' },
];

/** A 6-digit 行政区划代码. */
export const REGION_CODE_PATTERN = /^\d{6}$/;

/** A region a supervisor may pick. */
export interface RegionChoice {
  code: string;
  name: string;
  /** As a picker says it: a region with regions below it reads 临沧市（全市）, a county its name. */
  label: string;
}

/**
 * The regions a supervisor oversees, from the scope codes of their supervisor roles: each scope
 * and every region below it (临沧市 → the city and its 8 counties; 凤庆县 → 凤庆县 alone), in the
 * order of REGIONS (so the widest first), each once; codes not in REGIONS give nothing. The
 * database decides (app.is_region_supervisor); this only fills the pickers.
 */
export function overseenRegions(scopeCodes: readonly string[]): RegionChoice[] {
  const scopes = new Set(scopeCodes);
  const within = (code: string | null): boolean => {
    for (let c = code; c !== null; c = REGIONS.find((r) => r.code === c)?.parentCode ?? null) if (scopes.has(c)) return true;
    return false;
  };
  return REGIONS.filter((r) => within(r.code)).map((r) => ({
    code: r.code,
    name: r.name,
    label: REGIONS.some((x) => x.parentCode === r.code) ? `${r.name}（全市）` : r.name,
  }));
}

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

// Word tables for company-name normalisation. Keys are folded forms (lowercase, dots removed).

/** Legal forms, as token sequences, removed at either end of a name (longest first). */
// prettier-ignore
export const LEGAL_FORMS: readonly string[] = [
  // English and common-law
  'public limited company', 'limited liability company', 'limited liability partnership', 'private limited',
  'private ltd', 'pvt limited', 'pvt ltd', 'pte ltd', 'pty ltd', 'co ltd', 'company limited', 'co limited', 'sdn bhd', 'pty limited', 'ltd',
  'limited', 'inc', 'incorporated', 'corp', 'corporation', 'llc', 'llp', 'lp', 'plc', 'pte', 'pty', 'pvt', 'co',
  'company', 'bhd', 'berhad', 'tbk', 'pt', 'jsc', 'ojsc', 'cjsc', 'pjsc',
  // Continental Europe
  'gmbh and co kg', 'ag and co kg', 'gmbh', 'mbh', 'ag', 'kg', 'kgaa', 'ohg', 'ug', 'se', 'sa', 'sas', 'sasu',
  'sarl', 'sca', 'snc', 'bv', 'nv', 'vof', 'spa', 'srl', 'sapa', 'sl', 'slu', 'sau', 'sab de cv', 'sa de cv',
  's de rl de cv', 'cv', 'ltda', 'lda', 'oy', 'oyj', 'ab', 'publ', 'as', 'asa', 'aps', 'a s', 'ou', 'sro',
  'as sro', 'sp z oo', 'spzoo', 'sp zoo', 'kft', 'zrt', 'nyrt', 'doo', 'dd', 'ad', 'ead', 'eood', 'srl',
  // Japan, Korea (romanised)
  'kk', 'kabushiki kaisha', 'gk', 'godo kaisha', 'yk', 'yugen kaisha',
  // Russia and neighbours, Cyrillic and romanised
  'ооо', 'оао', 'зао', 'пао', 'ао', 'нао', 'ип', 'тоо', 'чп', 'тов', 'пат', 'прат', 'ooo', 'oao', 'zao', 'pao',
  'ao', 'nao', 'tov', 'too',
];

/** CJK legal forms, removed as a prefix or suffix of a CJK run (longest first). */
// prettier-ignore
export const CJK_LEGAL_FORMS: readonly string[] = [
  '股份有限公司', '有限责任公司', '有限責任公司', '股份公司', '有限公司', '有限會社', '有限会社', '株式会社', '合同会社', '合资公司', '總公司', '总公司', '分公司',
  '주식회사', '유한회사', '(주)', '（주）', '公司',
].sort((a, b) => b.length - a.length);

/**
 * Abbreviations expanded on both sides. An expansion is flagged: a name match that rests on one
 * is not automatic (an abbreviation can stand for several words).
 */
// prettier-ignore
export const ABBREVIATIONS: ReadonlyMap<string, string> = new Map([
  ['comm', 'communications'], ['comms', 'communications'], ['commun', 'communications'], ['grp', 'group'],
  ['tech', 'technology'], ['techn', 'technology'], ['technol', 'technology'], ['intl', 'international'],
  ["int'l", 'international'], ['hldgs', 'holdings'], ['hldg', 'holdings'], ['hlds', 'holdings'],
  ['svcs', 'services'], ['svc', 'services'], ['srvces', 'services'], ['srvcs', 'services'],
  ['mfg', 'manufacturing'], ['mgmt', 'management'], ['mgt', 'management'], ['sys', 'systems'],
  ['natl', 'national'], ['assn', 'association'], ['assoc', 'associates'], ['bros', 'brothers'],
  ['engg', 'engineering'], ['eng', 'engineering'], ['info', 'information'], ['invt', 'investment'],
  ['pharm', 'pharmaceutical'], ['sci', 'science'], ['telecom', 'telecommunications'],
  ['telecoms', 'telecommunications'], ['univ', 'university'], ['mktg', 'marketing'], ['dist', 'distribution'],
  ['trdg', 'trading'], ['solns', 'solutions'], ['ctr', 'center'], ['amer', 'america'], ['elec', 'electric'],
  ['ind', 'industries'], ['inds', 'industries'], ['dev', 'development'], ['devt', 'development'],
]);

/** Spelling variants folded silently (plural/singular, British/American): not flagged. */
// prettier-ignore
export const VARIANTS: ReadonlyMap<string, string> = new Map([
  ['technologies', 'technology'], ['holding', 'holdings'], ['service', 'services'],
  ['communication', 'communications'], ['system', 'systems'], ['solution', 'solutions'],
  ['industry', 'industries'], ['industrial', 'industries'], ['centre', 'center'], ['enterprise', 'enterprises'],
  ['investments', 'investment'], ['networks', 'network'], ['groups', 'group'], ['labs', 'laboratories'],
  ['lab', 'laboratories'], ['laboratory', 'laboratories'], ['pharmaceuticals', 'pharmaceutical'],
  ['electronic', 'electronics'], ['telecommunication', 'telecommunications'], ['intelligence', 'intelligent'],
]);

/** Words that never identify a company on their own: a match carried only by these is refused. */
// prettier-ignore
export const STOP_WORDS: ReadonlySet<string> = new Set([
  'the', 'and', 'of', 'for', 'a', 'an', 'de', 'la', 'le', 'du', 'des', 'der', 'die', 'das', 'und', 'y', 'e', 'et',
  'von', 'van', 'del', 'di', 'da', 'do', 'company', 'holdings', 'group', 'international', 'global', 'services',
  'technology', 'corporation', 'enterprises', 'industries', 'trading', 'management', 'solutions', 'systems',
  'investment', 'partners', 'worldwide', 'associates', 'limited', 'incorporated', 'business', 'consulting',
  'development', 'manufacturing', 'products', 'ventures', 'capital',
  // CJK: group, holdings, international, technology, share, company, China (as bigrams of names)
  '集团', '集團', '控股', '国际', '國際', '科技', '股份', '公司', 'グループ', '그룹',
]);

/** Cyrillic -> Latin (a BGN/PCGN-like scheme, lower case), for transliterated name forms. */
// prettier-ignore
export const CYRILLIC_TO_LATIN: Readonly<Record<string, string>> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k', л: 'l', м: 'm',
  н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch',
  ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya', і: 'i', ї: 'yi', є: 'ye', ґ: 'g', ў: 'u',
};

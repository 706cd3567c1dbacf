/**
 * CISTEM (Weissweiler & Fraser 2017), a small German stemmer, plus one step of our own: a final
 * "ung" is dropped too, so "Anmeldung", "Anmeldungen" and "anmelden" share the stem "anmeld".
 */
export function stemGerman(input: string): string {
  let word = input.toLowerCase().replace(/ü/g, 'u').replace(/ö/g, 'o').replace(/ä/g, 'a').replace(/ß/g, 'ss');
  word = word.replace(/^ge(.{4,})/, '$1');
  word = word.replace(/sch/g, '$').replace(/ei/g, '%').replace(/ie/g, '&');
  word = word.replace(/(.)\1/g, '$1*');
  while (word.length > 3) {
    if (word.length > 5) {
      const shorter = word.replace(/e[mr]$/, '').replace(/nd$/, '');
      if (shorter !== word) {
        word = shorter;
        continue;
      }
    }
    const shorter = word.replace(/t$/, '').replace(/[esn]$/, '');
    if (shorter === word) break;
    word = shorter;
  }
  word = word.replace(/(.)\*/g, '$1$1').replace(/\$/g, 'sch').replace(/%/g, 'ei').replace(/&/g, 'ie');
  if (word.length >= 7 && word.endsWith('ung')) word = word.slice(0, -3);
  return word;
}

/**
 * Index terms for a word: its stem and, for compounds, the stems of its tails, so "Steuer" finds
 * "Hundesteuer" and "Müll" finds "Sperrmüll" (German glues nouns together; a search should not care).
 */
export function indexTerms(word: string): string[] {
  const stem = stemGerman(word);
  if (stem.length < 8) return [stem];
  const tails = new Set([stem]);
  for (let i = 3; i <= stem.length - 4; i++) tails.add(stem.slice(i));
  return [...tails];
}

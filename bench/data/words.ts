/** Word pools for realistic text: names with non-ASCII letters, companies with mail domains, summaries. */
export const FIRST_NAMES = [
  'Anna', 'Jean', 'Marie', 'Lukas', 'Sofia', 'Pierre', 'Léa', 'Jonas', 'Chloé', 'Mateo', 'Zoë', 'Björn', 'Åsa', 'José',
  'Ingrid', 'Noah', 'Émile', 'Giulia', 'Tomasz', 'Łucja', 'Hannah', 'Omar', 'Aiko', 'Ravi', 'Niamh', 'Dmitri', 'Elif',
  'Camille', 'Hugo', 'Inès', 'Paul', 'Clara', 'Felix', 'Maja', 'Lars', 'Sven', 'Yuki', 'Amara', 'Kofi', 'Ana',
];
export const LAST_NAMES = [
  'Müller', 'Martin', 'Bernard', 'Dubois', 'Schmidt', 'García', 'Rossi', 'Nowak', 'Johansson', 'Jensen', "O'Brien",
  'Kowalski', 'Lefèvre', 'Fischer', 'Weber', 'Moreau', 'Novák', 'Yılmaz', 'Tanaka', 'Okafor', 'Silva', 'Costa',
  'Lambert', 'Girard', 'Bonnet', 'Wagner', 'Becker', 'Hoffmann', 'Schäfer', 'Koch', 'Richter', 'Roux', 'Fournier',
];
export interface Company {
  org: string;
  domain: string;
}
/** The query target: a domain spelt with mixed case in some cards, so a case-insensitive match matters. */
export const TARGET_COMPANY: Company = { org: 'Nordwind Logistik GmbH', domain: 'nordwind-logistik.de' };
export const TARGET_TEXT = 'nordwind';
export const COMPANIES: Company[] = [
  { org: 'Acme Corp', domain: 'acme.example' },
  { org: 'Globex', domain: 'globex.example' },
  { org: 'Initech', domain: 'initech.example' },
  { org: 'Umbrella SA', domain: 'umbrella.example' },
  { org: 'Société Générale de Bench', domain: 'sgb.example.fr' },
  { org: 'Fjord Analytics AS', domain: 'fjord.example.no' },
  { org: 'Hooli', domain: 'hooli.example' },
  { org: 'Vandelay Industries', domain: 'vandelay.example' },
  { org: 'Tyrell', domain: 'tyrell.example' },
  { org: 'Wayne Enterprises', domain: 'wayne.example' },
  { org: 'Stark Industries', domain: 'stark.example' },
  { org: 'Soylent', domain: 'soylent.example' },
  { org: 'Cyberdyne', domain: 'cyberdyne.example' },
  { org: 'Massive Dynamic', domain: 'massive.example' },
  { org: 'Oceanic', domain: 'oceanic.example' },
  { org: 'Wonka', domain: 'wonka.example' },
  { org: 'Gringotts', domain: 'gringotts.example' },
  { org: 'Monsters Inc', domain: 'monsters.example' },
  { org: 'Dunder Mifflin', domain: 'dundermifflin.example' },
  { org: 'Pied Piper', domain: 'piedpiper.example' },
];
export const MAIL_PROVIDERS = ['gmail.example', 'posteo.example', 'mailbox.example', 'free.example.fr', 'web.example.de', 'icloud.example'];
export const STREETS = ['Rue de Rivoli', 'Hauptstraße', 'Calle Mayor', 'Via Roma', 'Main Street', 'Kungsgatan', 'Ulica Długa', 'Boulevard Haussmann'];
export const CITIES: Array<[string, string, string]> = [
  ['Paris', '75001', 'France'], ['Berlin', '10115', 'Germany'], ['Madrid', '28013', 'Spain'], ['Roma', '00184', 'Italy'],
  ['Stockholm', '111 22', 'Sweden'], ['Gdańsk', '80-831', 'Poland'], ['Lyon', '69002', 'France'], ['Hamburg', '20095', 'Germany'],
];
export const SUMMARIES = [
  'Team meeting', 'Weekly sync', '1:1', 'Dentist', 'Lunch with Anna', 'Project review', 'Sprint planning', 'Retrospective',
  'Call with supplier', 'Yoga', 'Piano lesson', 'Board meeting', 'Customer demo', 'Code review', 'Budget review',
  'Réunion d’équipe', 'Déjeuner', 'Arzttermin', 'Elternabend', 'Flight to Lisbon', 'Workshop', 'Interview', 'Gym',
];
export const LOCATIONS = [
  'Room 4.12', 'Salle Eiffel', 'Online', 'Café de Flore', 'Konferenzraum B', 'HQ, 3rd floor', 'Gare de Lyon', 'Home', '',
];
export const SENTENCES = [
  'Agenda: status of open items, risks, next steps.',
  'Please bring the printed quarterly figures and the updated roadmap.',
  'Dial-in details are in the shared document; the meeting is recorded for those who cannot attend.',
  'Rappel : apporter les documents signés, merci !',
  'Bitte pünktlich sein, der Raum ist danach belegt.',
  'We will review the open pull requests and decide on the release date.',
  'Parking is available behind the building; the entrance is on the left side.',
  'Follow-up from last week: the supplier confirmed delivery for the end of the month.',
];
export const NOTES = [
  'Met at the conference in Lyon.',
  'Prefers e-mail over phone calls.',
  'Birthday present ideas: books, tea.',
  'Spricht Deutsch und Französisch.',
  'Contact for invoices and purchase orders.',
  '',
];

/** Letters for an address local part: accents dropped, only [a-z]. */
export function asciiFold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ł/g, 'l')
    .replace(/Ł/g, 'L')
    .replace(/ı/g, 'i')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

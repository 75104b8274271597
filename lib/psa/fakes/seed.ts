/**
 * Seed data shared by the fake PSAs: 130 customers (more than one page in every vendor's paging), with the
 * names the UI auto-matches against organizations first, plus contacts and sites per customer. Deterministic,
 * so tests and demos see the same ids every run.
 */

/** Names a demo or test organization is likely to carry; the UI's exact-name auto-match finds these. */
export const FEATURED_COMPANY_NAMES = [
  "Acme Corp",
  "Globex Corporation",
  "Initech",
  "Umbrella Corp",
  "Stark Industries",
  "Wayne Enterprises",
  "Wonka Industries",
  "Cyberdyne Systems",
  "Hooli",
  "Vandelay Industries",
  "Contoso Ltd",
  "Northwind Traders",
  "Fabrikam Inc",
  "Tailspin Toys",
  "Massive Dynamic",
  "Tyrell Corporation",
  "Aperture Science",
  "Black Mesa",
  "Soylent Corp",
  "Oscorp",
] as const;

const PLACES = [
  "Blue Ridge", "Cedar Valley", "Harbor Point", "Maple Grove", "Pine Hill", "River Bend", "Silver Lake", "Stone Creek",
  "Summit", "Westfield", "Oak Park", "Lakeside", "Granite", "Fox Run", "Elm Street", "Brookside",
];
const TRADES = ["Dental", "Law Group", "Accounting", "Logistics", "Medical Clinic", "Realty", "Engineering", "Veterinary"];

export interface SeedContact {
  first: string;
  last: string;
  email: string;
}
export interface SeedCompany {
  /** 0-based position; vendors derive their ids from it. */
  index: number;
  name: string;
  /** Short code (ConnectWise identifier, ...). */
  code: string;
  contacts: SeedContact[];
  sites: string[];
}

const FIRST = ["Alice", "Bob", "Carol", "Dan", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy", "Mallory", "Niaj", "Olivia", "Peggy"];
const LAST = ["Anders", "Brown", "Chen", "Diaz", "Evans", "Fischer", "Garcia", "Hughes", "Ito", "Jensen", "Khan", "Lopez", "Murphy", "Novak"];

export const SEED_COMPANY_COUNT = 130;

function build(): SeedCompany[] {
  const names: string[] = [...FEATURED_COMPANY_NAMES];
  for (let i = 0; names.length < SEED_COMPANY_COUNT; i++) {
    names.push(`${PLACES[i % PLACES.length]} ${TRADES[Math.floor(i / PLACES.length) % TRADES.length]}`);
  }
  return names.map((name, index) => {
    const code = name.replace(/[^A-Za-z0-9]/g, "").slice(0, 12).toUpperCase() || `C${index}`;
    const domain = `${name.toLowerCase().replace(/[^a-z0-9]+/g, "")}.example`;
    const contacts = [0, 1, 2].map((k) => {
      const first = FIRST[(index + k * 5) % FIRST.length];
      const last = LAST[(index * 3 + k) % LAST.length];
      return { first, last, email: `${first.toLowerCase()}.${last.toLowerCase()}@${domain}` };
    });
    const sites = index % 4 === 0 ? ["Main Office", "Branch Office"] : ["Main Office"];
    return { index, name, code, contacts, sites };
  });
}

export const SEED_COMPANIES: readonly SeedCompany[] = build();

// The people of the end-to-end tests, with the roles test config gives them.
export interface TestUser {
  id: string;
  aadObjectId: string;
  name: string;
  email: string;
}

const user = (n: number, name: string, email: string): TestUser => ({
  id: `29:user-${n}`,
  aadObjectId: `00000000-0000-4000-8000-00000000000${n}`,
  name,
  email,
});

export const coordinator = user(1, 'Kaisa Koordinaattori', 'kaisa@office.example.fi');
export const national = user(2, 'Niilo Kansallinen', 'niilo@national.example.fi');
export const admin = user(3, 'Aino Admin', 'aino@office.example.fi');
export const partner = user(4, 'Pekka Partner', 'pekka@kunta.example.fi');
export const stranger = user(5, 'Sanna Stranger', 'sanna@elsewhere.example.fi');
export const swedishCoordinator = user(6, 'Sven Samordnare', 'sven@office.example.fi');

export const testPeople = [
  { aadObjectId: coordinator.aadObjectId, role: 'coordinator', office: 'uusimaa' },
  { aadObjectId: national.aadObjectId, role: 'national' },
  { email: admin.email, role: 'admin', office: 'uusimaa' },
  { aadObjectId: swedishCoordinator.aadObjectId, role: 'coordinator', office: 'pohjanmaa' },
];

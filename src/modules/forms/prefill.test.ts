import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formDefinition, stepDefinition } from './form-definition.js';
import { prefillStep } from './prefill.js';

const label = { de: 'Feld' };

describe('prefilling a step from the profile', () => {
  const step = stepDefinition.parse({
    id: 'person',
    title: { de: 'Person' },
    fields: [
      { id: 'vorname', type: 'text', label, prefill: 'person.givenName' },
      { id: 'name', type: 'text', label, prefill: 'person.fullName' },
      { id: 'geboren', type: 'date', label, prefill: 'person.birthDate' },
      { id: 'wohnort', type: 'address', label, prefill: 'address' },
      { id: 'mail', type: 'email', label, prefill: 'contact.email' },
      { id: 'telefon', type: 'phone', label, prefill: 'contact.phone' },
      { id: 'beruf', type: 'text', label },
    ],
  });

  it('fills in the fields that declare what the source has, as form input, and names them', () => {
    const { raw, prefilled } = prefillStep(step, {
      'person.givenName': 'Erika', 'person.fullName': 'Erika Musterfrau', 'person.birthDate': '1984-08-12',
      address: { street: 'Lindenweg', houseNumber: '7a', postcode: '45657', city: 'Teststadt' }, 'contact.email': 'erika@example.org',
    });
    assert.deepEqual(raw, {
      vorname: 'Erika', name: 'Erika Musterfrau', geboren: '1984-08-12',
      'wohnort.street': 'Lindenweg', 'wohnort.houseNumber': '7a', 'wohnort.postcode': '45657', 'wohnort.city': 'Teststadt', mail: 'erika@example.org',
    });
    assert.deepEqual(prefilled, ['vorname', 'name', 'geboren', 'wohnort', 'mail']);
  });

  it('fills in nothing from an empty source', () => {
    assert.deepEqual(prefillStep(step, {}), { raw: {}, prefilled: [] });
  });

  it('refuses a prefill that does not fit the field type, or one inside a repeatable group', () => {
    assert.equal(stepDefinition.safeParse({ id: 's', title: label, fields: [{ id: 'a', type: 'text', label, prefill: 'address' }] }).success, false);
    assert.equal(stepDefinition.safeParse({ id: 's', title: label, fields: [{ id: 'a', type: 'email', label, prefill: 'contact.phone' }] }).success, false);
    assert.equal(stepDefinition.safeParse({ id: 's', title: label, fields: [{ id: 'a', type: 'number', label, prefill: 'person.birthDate' }] }).success, false);
    const inGroup = formDefinition.safeParse({
      steps: [{ id: 's', title: label, fields: [{ id: 'g', type: 'group', label, itemLabel: label, fields: [{ id: 'n', type: 'text', label, prefill: 'person.fullName' }] }] }],
      declaration: label,
    });
    assert.equal(inGroup.success, false);
    assert.match(JSON.stringify(inGroup.error?.issues), /prefill is not supported inside a group/);
  });
});

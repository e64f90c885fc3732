import { decodeFeedCursor, encodeFeedCursor } from '../../src/feed/feed-cursor.js';

const clinicId = '4a7c2c38-7d4b-4c36-9a39-3f0b1d0f3a11';
const otherClinicId = '5b8d3d49-8e5c-4d47-8b4a-4f1c2e1f4b22';

describe('feed cursors', () => {
  it('stand for a position in one clinic\'s feed, and decode back to it', () => {
    for (const sequence of [0, 1, 42, Number.MAX_SAFE_INTEGER]) {
      const cursor = encodeFeedCursor(clinicId, sequence);
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeFeedCursor(clinicId, cursor)).toBe(sequence);
    }
  });

  it('are refused for another clinic\'s feed', () => {
    expect(decodeFeedCursor(otherClinicId, encodeFeedCursor(clinicId, 3))).toBeUndefined();
  });

  it('refuse anything that is not one of ours', () => {
    const encode = (text: string) => Buffer.from(text).toString('base64url');
    for (const cursor of ['', 'abc', '!!!', encode(`${clinicId}/-1`), encode(`${clinicId}/01`), encode(`${clinicId}/1.5`), encode(`${clinicId}/99999999999999999`), encode(`${clinicId}/3 `), encode('3')]) {
      expect(decodeFeedCursor(clinicId, cursor)).withContext(cursor).toBeUndefined();
    }
  });
});

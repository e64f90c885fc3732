// FeedService with its repository and notifications mocked: cursor checks, the long-poll loop, outcomes.
import { BadRequestException, ConflictException, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import type { LabResultRequest } from '../../src/feed/dto/lab-result.request.js';
import { encodeFeedCursor } from '../../src/feed/feed-cursor.js';
import type { FeedItemEntity } from '../../src/feed/feed-item.entity.js';
import type { FeedNotifications } from '../../src/feed/feed-notifications.js';
import { FeedSubscription } from '../../src/feed/feed-subscription.js';
import type { FeedRepository } from '../../src/feed/feed.repository.js';
import { FeedService } from '../../src/feed/feed.service.js';
import { labResultBody } from './feed-test-support.js';

const clinicId = '4a7c2c38-7d4b-4c36-9a39-3f0b1d0f3a11';
const item: FeedItemEntity = { clinicId, sequence: 4, kind: 'labResult', subjectId: 'x', payload: { sequence: 4 }, createdAt: new Date('2026-11-24T10:00:00Z') };

describe('FeedService', () => {
  let repository: jasmine.SpyObj<FeedRepository>;
  let notifications: { subscribe: jasmine.Spy; closing: boolean };
  let service: FeedService;
  const stillHere = new AbortController().signal;

  beforeEach(() => {
    repository = jasmine.createSpyObj<FeedRepository>('FeedRepository', ['append', 'lastSequence', 'itemsAfter', 'pageAfter', 'horizonProgress']);
    notifications = { subscribe: jasmine.createSpy('subscribe'), closing: false };
    service = new FeedService(repository, notifications as unknown as FeedNotifications);
  });

  it('refuses a malformed cursor before touching the database, and a cursor past the end after', async () => {
    await expectAsync(service.page(clinicId, { after: 'nonsense' }, stillHere)).toBeRejectedWithError(BadRequestException);
    expect(repository.pageAfter).not.toHaveBeenCalled();
    repository.pageAfter.and.resolveTo({ lastSequence: 2, items: [] });
    await expectAsync(service.page(clinicId, { after: encodeFeedCursor(clinicId, 3) }, stillHere)).toBeRejectedWithError(BadRequestException, /past the end/);
    repository.pageAfter.and.resolveTo(undefined);
    await expectAsync(service.page(clinicId, {}, stillHere)).toBeRejectedWithError(NotFoundException);
    repository.lastSequence.and.resolveTo(2);
    await expectAsync(service.page(clinicId, { after: encodeFeedCursor(clinicId, 3), waitMs: 1_000 }, stillHere)).withContext('a long-poll').toBeRejectedWithError(BadRequestException, /past the end/);
    repository.lastSequence.and.resolveTo(undefined);
    await expectAsync(service.page(clinicId, { waitMs: 1_000 }, stillHere)).toBeRejectedWithError(NotFoundException);
    expect(notifications.subscribe).withContext('refused before taking a long-poll slot').not.toHaveBeenCalled();
  });

  it('answers a poll without a wait from one query of the repository, with the cursor after its last item', async () => {
    repository.pageAfter.and.resolveTo({ lastSequence: 4, items: [item] });
    const page = await service.page(clinicId, { after: encodeFeedCursor(clinicId, 3), limit: 10 }, stillHere);
    expect(page).toEqual({ items: [jasmine.objectContaining({ cursor: encodeFeedCursor(clinicId, 4) })], nextCursor: encodeFeedCursor(clinicId, 4), lastSequence: 4 });
    expect(repository.pageAfter).toHaveBeenCalledOnceWith(clinicId, 3, 10);
    expect(repository.lastSequence).not.toHaveBeenCalled();
    expect(repository.itemsAfter).not.toHaveBeenCalled();

    const horizon = { revision: 2, patientsTotal: 10_000, patientsReceived: 3_200, patientsReceivedWithPage: 3_300, queueing: true };
    repository.pageAfter.and.resolveTo({ lastSequence: 4, items: [item], horizon });
    expect((await service.page(clinicId, { afterSequence: 3 }, stillHere)).horizon).withContext('the download\'s progress from the same query').toEqual(horizon);
    expect(repository.horizonProgress).not.toHaveBeenCalled();
  });

  it('subscribes before its first read, and reads again when notified', async () => {
    repository.lastSequence.and.resolveTo(3);
    repository.horizonProgress.and.resolveTo(undefined);
    let subscription: FeedSubscription | undefined;
    notifications.subscribe.and.callFake(() => (subscription = new FeedSubscription(clinicId, () => undefined)));
    repository.itemsAfter.and.callFake(async () => {
      expect(subscription).withContext('subscribed before reading').toBeDefined();
      if (repository.itemsAfter.calls.count() === 1) {
        subscription!.notify(); // an item committed between the read and the wait
        return [];
      }
      return [item];
    });
    const page = await service.page(clinicId, { after: encodeFeedCursor(clinicId, 3), waitMs: 20_000 }, stillHere);
    expect(page.nextCursor).toBe(encodeFeedCursor(clinicId, 4));
    expect(page.lastSequence).withContext('the feed grew past its end as first read').toBe(4);
    expect(repository.itemsAfter).toHaveBeenCalledTimes(2);
    expect(page.horizon).withContext('no download: no progress').toBeUndefined();
    expect(repository.horizonProgress).withContext('counted as of where it was asked from and its last item').toHaveBeenCalledOnceWith(clinicId, 3, 4);
  });

  it('answers a waiting poll with the empty page it read once the process closes, with no further query', async () => {
    repository.lastSequence.and.resolveTo(3);
    let subscription: FeedSubscription | undefined;
    notifications.subscribe.and.callFake(() => (subscription = new FeedSubscription(clinicId, () => undefined)));
    repository.itemsAfter.and.resolveTo([]);
    const waiting = service.page(clinicId, { afterSequence: 3, waitMs: 20_000 }, stillHere);
    await new Promise((resolve) => setTimeout(resolve, 10));
    notifications.closing = true;
    subscription!.notify();
    const page = await waiting;
    expect(page.items).toEqual([]);
    expect(repository.itemsAfter).withContext('no read after the wake').toHaveBeenCalledTimes(1);
    expect(repository.horizonProgress).not.toHaveBeenCalled();
  });

  it('answers 503 when this process already has the most waiting polls', async () => {
    repository.lastSequence.and.resolveTo(0);
    notifications.subscribe.and.returnValue(undefined);
    await expectAsync(service.page(clinicId, { waitMs: 1_000 }, stillHere)).toBeRejectedWithError(ServiceUnavailableException);
  });

  it('maps append outcomes: 409 for a reused id, 400 naming the refused field, 404 for a missing clinic', async () => {
    const request = labResultBody() as unknown as LabResultRequest;
    repository.append.and.resolveTo({ kind: 'subject-conflict', item });
    await expectAsync(service.appendLabResult(clinicId, request)).toBeRejectedWithError(ConflictException);
    repository.append.and.resolveTo({ kind: 'invalid', error: { code: 'invalid-value', field: 'command.result.unit', message: 'must not be blank' } });
    await expectAsync(service.appendLabResult(clinicId, request)).toBeRejectedWithError(BadRequestException, 'result.unit: must not be blank');
    repository.append.and.resolveTo({ kind: 'clinic-not-found' });
    await expectAsync(service.appendLabResult(clinicId, request)).toBeRejectedWithError(NotFoundException);
    repository.append.and.resolveTo({ kind: 'already-appended', item });
    await expectAsync(service.appendLabResult(clinicId, request)).toBeResolvedTo(jasmine.objectContaining({ created: false }));
  });
});

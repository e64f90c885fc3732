// A clinic's downstream feed: pages after a cursor, the long-poll that waits for the next item, and the
// producers that append lab results and central registrations.
import { BadRequestException, ConflictException, Injectable, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import type { FeedItemResponse, FeedPageResponse } from './dto/feed.responses.js';
import type { FeedPageQuery } from './dto/feed-page.query.js';
import type { LabResultRequest } from './dto/lab-result.request.js';
import type { RegistrationRequest } from './dto/registration.request.js';
import { decodeFeedCursor, encodeFeedCursor } from './feed-cursor.js';
import { deviceRevocationEnvelope, labResultEnvelope, registrationEnvelope, type DeviceRevocationFromCentral, type EnvelopeBuilder } from '../../../leader-worker/src/chart/index.js';
import { type FeedKind, feedLimits } from './feed-limits.js';
import { toFeedItemResponse } from './feed-mapping.js';
import { FeedNotifications } from './feed-notifications.js';
import type { FeedItemEntity } from './feed-item.entity.js';
import { FeedRepository } from './feed.repository.js';

export interface AppendedItem {
  /** False when the producer had sent this subject before: the item it added then. */
  readonly created: boolean;
  readonly item: FeedItemResponse;
}

@Injectable()
export class FeedService {
  constructor(
    private readonly feed: FeedRepository,
    private readonly notifications: FeedNotifications,
  ) {}

  /** With `waitMs`, an empty page waits (up to then) for the next item of the clinic, from any API process. */
  async page(clinicId: string, query: FeedPageQuery, clientGone: AbortSignal): Promise<FeedPageResponse> {
    if (query.after !== undefined && query.afterSequence !== undefined) throw new BadRequestException('give after or afterSequence, not both');
    const afterSequence = query.after === undefined ? (query.afterSequence ?? 0) : decodeFeedCursor(clinicId, query.after);
    if (afterSequence === undefined) throw new BadRequestException('after is not a cursor of this clinic\'s feed');
    const limit = query.limit ?? feedLimits.pageItemsDefault;
    const waitMs = query.waitMs ?? 0;
    if (waitMs === 0) {
      // Most polls: the checks and the page from one query.
      const page = await this.feed.pageAfter(clinicId, afterSequence, limit);
      if (page === undefined) throw clinicNotFound(clinicId);
      if (afterSequence > page.lastSequence) throw cursorPastTheEnd();
      const answer = toPage(clinicId, afterSequence, page.items, page.lastSequence);
      return page.horizon === undefined ? answer : { ...answer, horizon: page.horizon };
    }
    const lastSequence = await this.feed.lastSequence(clinicId);
    if (lastSequence === undefined) throw clinicNotFound(clinicId);
    if (afterSequence > lastSequence) throw cursorPastTheEnd();

    // Subscribed before the first read: an item committed between that read and the wait still wakes us.
    const subscription = this.notifications.subscribe(clinicId);
    if (subscription === undefined) throw new ServiceUnavailableException('Too many feed long-polls are waiting; poll again shortly');
    try {
      const deadlineMs = performance.now() + waitMs;
      let page = await this.read(clinicId, afterSequence, limit, lastSequence);
      for (;;) {
        const remainingMs = deadlineMs - performance.now();
        if (page.items.length > 0 || remainingMs <= 0 || clientGone.aborted) return await this.withHorizon(clinicId, afterSequence, page);
        // Closing: answer what was read without another query, which would race the pool being shut down.
        // The leader polls again and the next process answers it.
        if (this.notifications.closing) return page;
        await subscription.wait(remainingMs, clientGone);
        if (this.notifications.closing) return page;
        page = await this.read(clinicId, afterSequence, limit, lastSequence);
        if (page.items.length > 0) continue;
        // Woken with nothing new: the horizon's download may have finished queueing (finishFill notifies), which
        // the device should not hear of only when the wait runs out.
        const withProgress = await this.withHorizon(clinicId, afterSequence, page);
        if (withProgress.horizon?.queueing === false) return withProgress;
      }
    } finally {
      subscription.close();
    }
  }

  appendLabResult(clinicId: string, request: LabResultRequest): Promise<AppendedItem> {
    return this.append(clinicId, 'labResult', request.labResultId, labResultEnvelope(request));
  }

  appendRegistration(clinicId: string, request: RegistrationRequest): Promise<AppendedItem> {
    return this.append(clinicId, 'centralRegistration', request.patientId, registrationEnvelope(request));
  }

  /** A revocation, for every device of the clinic to refuse the device from then on; the subject is the device. */
  appendDeviceRevocation(clinicId: string, revocation: DeviceRevocationFromCentral): Promise<AppendedItem> {
    return this.append(clinicId, 'deviceRevoked', revocation.deviceId, deviceRevocationEnvelope(revocation));
  }

  /** The page with how far the clinic's horizon download has come as of `afterSequence`, once there is one. */
  private async withHorizon(clinicId: string, afterSequence: number, page: FeedPageResponse): Promise<FeedPageResponse> {
    const horizon = await this.feed.horizonProgress(clinicId, afterSequence, page.items.at(-1)?.sequence ?? afterSequence);
    return horizon === undefined ? page : { ...page, horizon };
  }

  /** `lastSequenceBefore`: the feed's end before the read; its items may show it has grown since. */
  private async read(clinicId: string, afterSequence: number, limit: number, lastSequenceBefore: number): Promise<FeedPageResponse> {
    const items = await this.feed.itemsAfter(clinicId, afterSequence, limit);
    return toPage(clinicId, afterSequence, items, Math.max(lastSequenceBefore, items.at(-1)?.sequence ?? 0));
  }

  private async append(clinicId: string, kind: FeedKind, subjectId: string, build: EnvelopeBuilder): Promise<AppendedItem> {
    const outcome = await this.feed.append(clinicId, kind, subjectId, build);
    switch (outcome.kind) {
      case 'appended':
        return { created: true, item: toFeedItemResponse(outcome.item) };
      case 'already-appended':
        return { created: false, item: toFeedItemResponse(outcome.item) };
      case 'subject-conflict':
        throw new ConflictException(`${subjectId} was already sent to this clinic's feed with other content (item ${toFeedItemResponse(outcome.item).cursor})`);
      case 'invalid': {
        const field = outcome.error.field === undefined ? '' : `${outcome.error.field.replace(/^command\.?/, '') || 'body'}: `;
        throw new BadRequestException(`${field}${outcome.error.message}`);
      }
      case 'clinic-not-found':
        throw clinicNotFound(clinicId);
    }
  }
}

function toPage(clinicId: string, afterSequence: number, items: readonly FeedItemEntity[], lastSequence: number): FeedPageResponse {
  const nextSequence = items.at(-1)?.sequence ?? afterSequence;
  return { items: items.map(toFeedItemResponse), nextCursor: encodeFeedCursor(clinicId, nextSequence), lastSequence };
}

function clinicNotFound(clinicId: string): NotFoundException {
  return new NotFoundException(`Clinic ${clinicId} does not exist`);
}

function cursorPastTheEnd(): BadRequestException {
  return new BadRequestException('after (or afterSequence) is past the end of this clinic\'s feed');
}

// What the feed routes answer. Built field by field (feed-mapping.ts), never rows themselves.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { type FeedKind, feedKinds } from '../feed-limits.js';
import type { FeedItem, FeedPage, HorizonProgress } from '../../../../leader-worker/src/uplink/central-protocol.js';

export class FeedItemResponse implements FeedItem {
  @ApiProperty({ description: 'opaque; pass it as `after` to read what follows this item' })
  cursor!: string;

  @ApiProperty({ minimum: 1, description: "the item's position in the clinic's feed, from 1 (the payload's sequence too); pass it as `afterSequence` to read what follows" })
  sequence!: number;

  @ApiProperty({ enum: feedKinds })
  kind!: FeedKind;

  @ApiProperty({
    type: Object,
    description:
      'a chart command envelope { clientId: "central-feed", sequence, recordedAt, author, command } that the clinic leader proposes as it is; ' +
      'sequence grows by one per item of this clinic, so a re-import after a leader change is applied once',
  })
  payload!: unknown;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export class HorizonProgressResponse implements HorizonProgress {
  @ApiProperty({ minimum: 1, description: 'the horizon revision the download is for' })
  revision!: number;

  @ApiProperty({ minimum: 0, description: 'patients the download brings that the clinic did not hold' })
  patientsTotal!: number;

  @ApiProperty({ minimum: 0, description: 'of those, the ones whose every item is at or before the position asked from (afterSequence): on the clinic\'s devices' })
  patientsReceived!: number;

  @ApiProperty({ minimum: 0, description: 'of those, the ones whose every item is in this page or before it: on the devices once the clinic\'s log has taken the page' })
  patientsReceivedWithPage!: number;

  @ApiProperty({ description: 'true while central is still queueing the download\'s patients into the feed' })
  queueing!: boolean;
}

export class FeedPageResponse implements FeedPage {
  @ApiProperty({ type: [FeedItemResponse] })
  items!: FeedItemResponse[];

  @ApiProperty({ description: "the cursor to ask with next: the last item's, or the one given when there was nothing new" })
  nextCursor!: string;

  @ApiProperty({ minimum: 0, description: "the sequence of the clinic's last feed item when the page was read (0: none yet); reads after any sequence up to it are answered" })
  lastSequence!: number;

  @ApiPropertyOptional({ type: HorizonProgressResponse, description: "the clinic's sync horizon download, once an admin set a horizon that brings patients" })
  horizon?: HorizonProgressResponse;
}

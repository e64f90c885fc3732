// The query of GET /api/clinics/:clinicId/feed.
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { feedLimits } from '../feed-limits.js';
import type { FeedPageQueryParameters } from '../../../../leader-worker/src/uplink/central-protocol.js';

export class FeedPageQuery implements FeedPageQueryParameters {
  @ApiPropertyOptional({ description: 'a cursor from an earlier answer (nextCursor or an item\'s cursor); omitted: from the start' })
  @IsOptional()
  @IsString()
  @MaxLength(feedLimits.cursorCharactersMax)
  after?: string;

  @ApiPropertyOptional({
    minimum: 0,
    description: "instead of `after`: read the items after this sequence (a clinic's leader asks with what its log already decided)",
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  afterSequence?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: feedLimits.pageItemsMax, default: feedLimits.pageItemsDefault })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(feedLimits.pageItemsMax)
  limit?: number;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: feedLimits.longPollWaitMsMax,
    default: 0,
    description: 'long-poll: when nothing is after the cursor, wait up to this long for an item and answer as soon as one arrives',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(feedLimits.longPollWaitMsMax)
  waitMs?: number;
}
